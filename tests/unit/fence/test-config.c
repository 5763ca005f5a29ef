/* test-config.c - fence.cfg: what parses, and every error names its line. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fence/fence.h"
#include "tests/unit/tmpdir.h"

static const char good[] = "# two BMCs and an agent\n"
                           "device: bmc-n1\n"
                           "\ttype ipmi\n"
                           "\taddress 192.0.2.1\n"
                           "\tport 6230\n"
                           "\tuser admin\n"
                           "\tcipher 17\n"
                           "\tprivilege operator\n"
                           "\ttimeout 1500ms\n"
                           "\tworkaround opensesspriv, intel20\n"
                           "\n"
                           "device: pdu.a\n"
                           "    type agent\n"
                           "    agent /usr/sbin/fence_apc\n"
                           "    address pdu-a.example\n"
                           "    option plug=3\n"
                           "    option ssh=1\n"
                           "device: pdu_b\n"
                           "\ttype agent\n"
                           "\tagent fence_apc\n"
                           "node: n1\n"
                           "\tlevel bmc-n1\n"
                           "\tlevel pdu.a pdu_b\n"
                           "\tdelay 5\n"
                           "\trandom-delay 250ms\n"
                           "node: n2\n"
                           "\tlevel pdu_b\n";

static void
test_good_config_parses(void **state)
{
	fence_config_t *cfg = NULL;
	fence_err_t err = {""};
	const struct fence_device *d;
	const struct fence_node *n;

	assert_int_equal(fence_config_parse(good, "fence.cfg", &cfg, &err), 0);
	assert_int_equal(fence_config_n_devices(cfg), 3);
	assert_int_equal(fence_config_n_nodes(cfg), 2);

	d = fence_config_device_at(cfg, 0);
	assert_string_equal(d->name, "bmc-n1");
	assert_string_equal(d->type, "ipmi");
	assert_string_equal(d->address, "192.0.2.1");
	assert_int_equal(d->port, 6230);
	assert_string_equal(d->user, "admin");
	assert_int_equal(d->cipher, 17);
	assert_int_equal(d->privilege, FENCE_PRIV_OPERATOR);
	assert_int_equal(d->timeout_ms, 1500);
	assert_int_equal(d->workarounds, FENCE_IPMI_WA_OPENSESSPRIV | FENCE_IPMI_WA_INTEL20);
	assert_int_equal(d->line, 2);

	d = fence_config_device_at(cfg, 1);
	assert_string_equal(d->agent, "/usr/sbin/fence_apc");
	assert_int_equal(d->n_options, 2);
	assert_string_equal(d->options[0].key, "plug");
	assert_string_equal(d->options[0].value, "3");
	assert_string_equal(d->options[1].key, "ssh");
	/* Defaults: the driver's timeout and cipher. */
	assert_int_equal(d->timeout_ms, FENCE_DEFAULT_TIMEOUT_MS);
	assert_int_equal(d->cipher, -1);
	assert_int_equal(d->privilege, 0);
	assert_null(fence_config_device_at(cfg, 3));

	n = fence_config_node(cfg, "n1");
	assert_non_null(n);
	assert_int_equal(n->n_levels, 2);
	assert_int_equal(n->levels[0].n_devices, 1);
	assert_ptr_equal(n->levels[0].devices[0], fence_config_device_at(cfg, 0));
	assert_int_equal(n->levels[1].n_devices, 2);
	assert_ptr_equal(n->levels[1].devices[0], fence_config_device_at(cfg, 1));
	assert_ptr_equal(n->levels[1].devices[1], fence_config_device_at(cfg, 2));
	assert_int_equal(n->delay_ms, 5000);
	assert_int_equal(n->random_delay_ms, 250);
	assert_ptr_equal(fence_config_node_at(cfg, 1), fence_config_node(cfg, "n2"));
	assert_null(fence_config_node(cfg, "n3"));
	fence_config_free(cfg);
}

static void
test_level_may_name_a_later_device(void **state)
{
	fence_config_t *cfg = NULL;
	fence_err_t err = {""};
	const char text[] = "node: n1\n\tlevel late\ndevice: late\n\ttype agent\n\tagent x\n";

	assert_int_equal(fence_config_parse(text, "f", &cfg, &err), 0);
	assert_string_equal(fence_config_node(cfg, "n1")->levels[0].devices[0]->name, "late");
	fence_config_free(cfg);
}

static void
test_empty_config_is_valid(void **state)
{
	fence_config_t *cfg = NULL;
	fence_err_t err = {""};

	assert_int_equal(fence_config_parse("# nothing yet\n\n", "f", &cfg, &err), 0);
	assert_int_equal(fence_config_n_nodes(cfg), 0);
	fence_config_free(cfg);
}

/* Each bad input, and the exact "SOURCE:LINE: problem" start it must give. */
static const struct bad_case {
	const char *text;
	const char *message;
} bad_cases[] = {
    {"vm: 100\n", "f:1: unknown section 'vm:' (device: or node:)"},
    {"# c\ndevice bmc\n", "f:2: expected 'device: NAME' or 'node: NAME'"},
    {"device:\n", "f:1: 'device:' needs a name"},
    {"node: -n1\n", "f:1: node name '-n1' must be 1-63 characters"},
    {"device: a/b\n", "f:1: device name 'a/b' must be"},
    {"device: a\n\ttype agent\n\tagent x\ndevice: a\n", "f:4: device 'a' is defined twice"},
    {"device: a\n\ttype agent\n\tagent x\nnode: n\n\tlevel a\nnode: n\n",
     "f:6: node 'n' is defined twice"},
    {"\n\ttype ipmi\n", "f:2: setting 'type ipmi' outside a device: or node: section"},
    {"device: a\n\ttype ipmi\n\tadress x\n", "f:3: device 'a': unknown key 'adress'"},
    {"device: a\n\ttype ipmi\n\taddress\n", "f:3: device 'a': 'address' needs a value"},
    {"device: a\n\ttype ipmi\n\taddress x\n\taddress y\n",
     "f:4: device 'a': 'address' is set twice (first on line 3)"},
    {"device: a\n\ttype redfish\n", "f:2: device 'a': unknown type 'redfish'"},
    {"device: a\n\taddress x\n", "f:1: device 'a' has no 'type'"},
    {"device: a\n\ttype ipmi\n\taddress x\n\tagent fence_x\n",
     "f:4: device 'a': 'agent' is not a setting of type ipmi"},
    {"device: a\n\ttype agent\n\tagent x\n\tworkaround authcap\n",
     "f:4: device 'a': 'workaround' is not a setting of type agent"},
    {"device: a\n\ttype ipmi\n\tuser u\n", "f:1: device 'a' (ipmi) has no 'address'"},
    {"device: a\n\ttype ipmi\n\taddress x\n\tuser abcdefghijklmnopq\n",
     "f:4: device 'a': user is longer than 16 bytes"},
    {"device: a\n\ttype agent\n", "f:1: device 'a' (agent) has no 'agent'"},
    {"device: a\n\ttype ipmi\n\tport 65536\n", "f:3: device 'a': port '65536' is not 1-65535"},
    {"device: a\n\ttype ipmi\n\tport 0\n", "f:3: device 'a': port '0' is not 1-65535"},
    {"device: a\n\ttype ipmi\n\tport 62x\n", "f:3: device 'a': port '62x' is not 1-65535"},
    {"device: a\n\ttype ipmi\n\tcipher 18\n", "f:3: device 'a': cipher '18' is not a suite"},
    {"device: a\n\ttype ipmi\n\tprivilege root\n",
     "f:3: device 'a': privilege 'root' is not user, operator or admin"},
    {"device: a\n\ttype ipmi\n\ttimeout 5m\n", "f:3: 'timeout 5m' is not a duration"},
    {"device: a\n\ttype ipmi\n\ttimeout ms\n", "f:3: 'timeout ms' is not a duration"},
    {"device: a\n\ttype ipmi\n\ttimeout 499ms\n",
     "f:3: 'timeout 499ms' is out of range (500 ms to 600 s)"},
    {"device: a\n\ttype ipmi\n\ttimeout 601\n", "f:3: 'timeout 601' is out of range"},
    {"device: a\n\ttype ipmi\n\ttimeout 99999999999999999999\n",
     "f:3: 'timeout 99999999999999999999' is out of range"},
    {"device: a\n\ttype ipmi\n\tworkaround opensesspriv bogus\n",
     "f:3: device 'a': unknown workaround 'bogus'"},
    {"device: a\n\ttype ipmi\n\taddress 1.2.3.4 5\n",
     "f:3: device 'a': address '1.2.3.4 5' contains a space"},
    {"device: a\n\ttype agent\n\tagent fence_x -o off\n",
     "f:3: device 'a': agent 'fence_x -o off' contains a space"},
    {"device: a\n\ttype agent\n\tagent x\n\toption plug\n",
     "f:4: device 'a': option 'plug' is not KEY=VALUE"},
    {"device: a\n\ttype agent\n\tagent x\n\toption =1\n",
     "f:4: device 'a': option '=1' is not KEY=VALUE"},
    {"device: a\n\ttype agent\n\tagent x\n\toption Plug=1\n",
     "f:4: device 'a': option key 'Plug' must be [a-z0-9_]"},
    {"device: a\n\ttype agent\n\tagent x\n\toption action=on\n",
     "f:4: device 'a': option 'action' is not allowed here"},
    {"device: a\n\ttype agent\n\tagent x\n\toption password=x\n",
     "f:4: device 'a': option 'password' is not allowed here"},
    {"device: a\n\ttype agent\n\tagent x\n\toption passwd_script=x\n",
     "f:4: device 'a': option 'passwd_script' is not allowed here"},
    {"device: a\n\ttype agent\n\tagent x\nnode: n\n\tlevel a a\n",
     "f:5: node 'n': device 'a' twice in one level"},
    {"device: a\n\ttype agent\n\tagent x\nnode: n\n\tlevel a\n\tlevel b\n",
     "f:6: node 'n': level uses unknown device 'b'"},
    {"node: n\n\tdelay 1s\n", "f:1: node 'n' has no 'level'"},
    {"node: n\n\tdelay soon\n", "f:2: 'delay soon' is not a duration"},
    {"node: n\n\trandom-delay 601s\n", "f:2: 'random-delay 601s' is out of range"},
    {"node: n\n\tdelay 1\n\tdelay 2\n", "f:3: node 'n': 'delay' is set twice"},
    {"node: n\n\tdelays 1\n", "f:2: node 'n': unknown key 'delays'"},
    {"device: a\n\ttype ipmi\x01\n", "f:2: control character in line"},
};

static void
test_every_error_names_line_and_problem(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		fence_config_t *cfg = NULL;
		fence_err_t err = {""};
		int r = fence_config_parse(bad_cases[i].text, "f", &cfg, &err);

		if (r != -EINVAL ||
		    strncmp(err.msg, bad_cases[i].message, strlen(bad_cases[i].message)) != 0)
			fail_msg("case %zu: got %d '%s', expected '%s'", i, r, err.msg,
			         bad_cases[i].message);
		assert_null(cfg);
	}
}

static void
test_load_reads_file_and_names_it(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	fence_config_t *cfg = NULL;
	fence_err_t err = {""};
	FILE *fp;

	assert_int_equal(test_tmpdir_make(dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/fence.cfg", dir);
	assert_int_equal(fence_config_load(path, &cfg, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "cannot read"));
	assert_non_null(strstr(err.msg, path));

	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(good, fp);
	fclose(fp);
	assert_int_equal(fence_config_load(path, &cfg, &err), 0);
	assert_int_equal(fence_config_n_devices(cfg), 3);
	fence_config_free(cfg);

	fp = fopen(path, "w");
	fputs("device: a\n\ttype ipmi\n\tport x\n", fp);
	fclose(fp);
	cfg = NULL;
	assert_int_equal(fence_config_load(path, &cfg, &err), -EINVAL);
	assert_true(strncmp(err.msg, path, strlen(path)) == 0);
	assert_non_null(strstr(err.msg, ":3: device 'a': port 'x'"));

	fp = fopen(path, "w");
	fwrite("device: a\n\0", 1, 11, fp);
	fclose(fp);
	assert_int_equal(fence_config_load(path, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "NUL byte"));
	assert_null(cfg);
	test_tmpdir_remove(dir);
}

static void
test_free_accepts_null(void **state)
{
	fence_config_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_config_parses),
	    cmocka_unit_test(test_level_may_name_a_later_device),
	    cmocka_unit_test(test_empty_config_is_valid),
	    cmocka_unit_test(test_every_error_names_line_and_problem),
	    cmocka_unit_test(test_load_reads_file_and_names_it),
	    cmocka_unit_test(test_free_accepts_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
