/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* MAC addresses: parsing them, and an interface's own. */
#ifndef UTM_NETDEV_H
#define UTM_NETDEV_H

#include <stdint.h>

/* "aa:bb:cc:dd:ee:ff" (nothing after it) into mac. 0 or -1. */
int mac_parse(const char *s, uint8_t mac[6]);

/*
 * The MAC of an interface in the current network namespace (by ioctl, not
 * /sys, which nsenter --net leaves showing another namespace). 0 or -1.
 */
int netdev_mac(const char *ifname, uint8_t mac[6]);

#endif /* UTM_NETDEV_H */
