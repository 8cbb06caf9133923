package io.vmnetd.daemon.api;

/**
 * What the API's requests share: a pool for CNI calls, a pool for everything else, and the budget their bodies draw
 * on. Two pools so that CNI calls blocked on IPAM plugins never hold up GET /v1/status, nor a flood of reads the
 * shim's ADD.
 */
record ApiWorkers(WorkerPool cni, WorkerPool api, BodyBudget budget) {}
