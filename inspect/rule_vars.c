// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Rule variables: the caller's table first, then the defaults that
 * Suricata's suricata.yaml ships, so ET rules load with no configuration.
 */
#include <string.h>

#include "inspect/rule.h"

/* suricata.yaml's address-groups and port-groups. */
static const struct rule_var default_vars[] = {
	{"HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]"},
	{"EXTERNAL_NET", "!$HOME_NET"},
	{"HTTP_SERVERS", "$HOME_NET"},
	{"SMTP_SERVERS", "$HOME_NET"},
	{"SQL_SERVERS", "$HOME_NET"},
	{"DNS_SERVERS", "$HOME_NET"},
	{"TELNET_SERVERS", "$HOME_NET"},
	{"AIM_SERVERS", "$EXTERNAL_NET"},
	{"DC_SERVERS", "$HOME_NET"},
	{"DNP3_SERVER", "$HOME_NET"},
	{"DNP3_CLIENT", "$HOME_NET"},
	{"MODBUS_CLIENT", "$HOME_NET"},
	{"MODBUS_SERVER", "$HOME_NET"},
	{"ENIP_CLIENT", "$HOME_NET"},
	{"ENIP_SERVER", "$HOME_NET"},
	{"HTTP_PORTS", "80"},
	{"SHELLCODE_PORTS", "!80"},
	{"ORACLE_PORTS", "1521"},
	{"SSH_PORTS", "22"},
	{"DNP3_PORTS", "20000"},
	{"MODBUS_PORTS", "502"},
	{"FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"},
	{"FTP_PORTS", "21"},
	{"GENEVE_PORTS", "6081"},
	{"VXLAN_PORTS", "4789"},
	{"TEREDO_PORTS", "3544"},
};

static const char *find_var(const struct rule_var *v, size_t count, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strlen(v[i].name) == n && memcmp(v[i].name, name, n) == 0)
			return v[i].value;
	return NULL;
}

const char *rule_vars_lookup(const struct rule_vars *v, const char *name, size_t n)
{
	const char *val = NULL;

	if (v && v->vars)
		val = find_var(v->vars, v->n, name, n);
	if (!val && (!v || v->use_defaults))
		val = find_var(default_vars, sizeof(default_vars) / sizeof(default_vars[0]), name,
			       n);
	return val;
}
