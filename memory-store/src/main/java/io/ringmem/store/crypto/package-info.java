/**
 * The cluster secret and the authenticated encryption (AES-256-GCM) of everything Ringmem writes into Hazelcast;
 * see docs/memory-store.md, "Encryption".
 */
package io.ringmem.store.crypto;
