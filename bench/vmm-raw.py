#!/usr/bin/python3
# vmm-raw.py - the QMP half of bench/vmm-ops's "raw QEMU by hand" column:
# what an admin types into QMP without vmctl, in one process so that the
# interpreter starts once per operation.
#   vmm-raw.py powerdown QMP_SOCKET           system_powerdown, wait for the exit
#   vmm-raw.py migrate SRC_SOCKET DST_SOCKET ADDR
#       the target (started with -S -incoming defer) listens on ADDR, the
#       source migrates there; when it completed the target runs and the
#       source quits.
import json
import socket
import sys
import time


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("rw")
        self.read()  # greeting
        self.call("qmp_capabilities")

    def read(self):
        while True:
            line = self.file.readline()
            if not line:
                raise EOFError("QMP socket closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def call(self, cmd, **args):
        self.file.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
        self.file.flush()
        msg = self.read()
        if "error" in msg:
            raise RuntimeError("%s: %s" % (cmd, msg["error"]["desc"]))
        return msg["return"]

    def wait_closed(self, timeout):
        self.sock.settimeout(timeout)
        try:
            while self.sock.recv(4096):
                pass
        except ConnectionResetError:
            pass  # QEMU exited with our bytes unread: gone all the same


def powerdown(path):
    q = Qmp(path)
    q.call("system_powerdown")
    q.wait_closed(120)


def migrate(src_path, dst_path, addr):
    dst = Qmp(dst_path)
    dst.call("migrate-incoming", uri="tcp:%s:0" % addr)
    port = dst.call("query-migrate")["socket-address"][0]["port"]
    src = Qmp(src_path)
    src.call("migrate", uri="tcp:%s:%s" % (addr, port))
    while True:
        status = src.call("query-migrate")["status"]
        if status == "completed":
            break
        if status in ("failed", "cancelled"):
            raise RuntimeError("migration " + status)
        time.sleep(0.005)
    dst.call("cont")
    src.call("quit")
    src.wait_closed(10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["powerdown"] and len(sys.argv) == 3:
        powerdown(sys.argv[2])
    elif sys.argv[1:2] == ["migrate"] and len(sys.argv) == 5:
        migrate(*sys.argv[2:])
    else:
        sys.exit(__doc__ if __doc__ else "usage: see the opening comment")
