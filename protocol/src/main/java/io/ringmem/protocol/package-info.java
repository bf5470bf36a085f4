/** Messages shared by the coordinator and the workers. Plain, immutable records; no framework types. */
package io.ringmem.protocol;
