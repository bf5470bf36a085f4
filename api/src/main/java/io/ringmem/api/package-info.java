/** The thin client API of Ringmem: request, status and result records and {@code RingmemClient}. */
package io.ringmem.api;
