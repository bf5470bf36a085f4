/**
 * Messages shared by the coordinator and the workers: immutable, serializable records, no framework types; segment
 * settings are the compute core's {@code SegmentConfig}, token-selection sums its {@code QuerySums}.
 */
package io.ringmem.protocol;
