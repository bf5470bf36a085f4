/** The worker process: cluster membership, shard tasks, the TCP ring data plane, health and metrics. */
package io.ringmem.worker;
