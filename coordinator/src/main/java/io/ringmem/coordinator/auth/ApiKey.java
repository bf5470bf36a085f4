package io.ringmem.coordinator.auth;

import java.util.Objects;

/**
 * One API key as the coordinator keeps it: its public id, role, limits and the SHA-256 of its secret (never the
 * secret itself; {@link #toString} shows neither).
 *
 * @param id   the key's name: owner of the jobs it submits, shown in the audit log; [A-Za-z0-9._-], 1..64 chars
 * @param hash SHA-256 of the secret's UTF-8 bytes (32 bytes)
 */
public record ApiKey(String id, Role role, byte[] hash, KeyLimits limits) {
    public ApiKey {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(limits, "limits");
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a key id must be 1 to 64 characters of A-Z a-z 0-9 . _ -, got '" + id + "'");
        }
        if (hash == null || hash.length != 32) throw new IllegalArgumentException("a key hash must be 32 bytes (SHA-256)");
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** The caller this key authenticates. */
    public Caller caller() {
        return new Caller(id, role, limits);
    }

    @Override
    public String toString() {
        return "ApiKey[" + id + ", " + role.wireName() + "]";
    }
}
