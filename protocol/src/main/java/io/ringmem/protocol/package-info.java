/** Messages shared by the coordinator and the workers: immutable, serializable records, no framework types. */
package io.ringmem.protocol;
