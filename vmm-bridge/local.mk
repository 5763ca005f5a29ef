# vmm-bridge/: the guest backend interface, its backends and storage plugins
# (libvmm.a), and vmctl(8).
noinst_LIBRARIES += vmm-bridge/libvmm.a
vmm_bridge_libvmm_a_SOURCES = \
	vmm-bridge/vmm.h \
	vmm-bridge/vmm-int.h \
	vmm-bridge/argv.c \
	vmm-bridge/backend.c \
	vmm-bridge/conf.c \
	vmm-bridge/ctx.c \
	vmm-bridge/error.c \
	vmm-bridge/file.c \
	vmm-bridge/net.c \
	vmm-bridge/proc.c \
	vmm-bridge/qemu.c \
	vmm-bridge/qemu-cmdline.c \
	vmm-bridge/qemu-conf.c \
	vmm-bridge/qemu-run.c \
	vmm-bridge/qmp.c \
	vmm-bridge/size.c \
	vmm-bridge/storage-dir.c \
	vmm-bridge/storagecfg.c \
	vmm-bridge/volume.c
vmm_bridge_libvmm_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)

sbin_PROGRAMS += vmm-bridge/vmctl
vmm_bridge_vmctl_SOURCES = vmm-bridge/vmctl.c
vmm_bridge_vmctl_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
vmm_bridge_vmctl_LDADD = vmm-bridge/libvmm.a $(JSONC_LIBS)
