/*
 * fence-int.h - private to the fence library: the built-in drivers that
 * fence_driver_find() chooses between.
 */
#ifndef CLUSTERHA_FENCE_INT_H
#define CLUSTERHA_FENCE_INT_H

#include "fence/fence.h"

/* IPMI 2.0 (lanplus) through libfreeipmi; ipmi.c. */
extern const struct fence_driver fence_driver_ipmi;

/* A ClusterLabs fence agent through its stdin key=value interface; agent.c. */
extern const struct fence_driver fence_driver_agent;

#endif /* CLUSTERHA_FENCE_INT_H */
