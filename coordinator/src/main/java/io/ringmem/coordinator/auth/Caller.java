package io.ringmem.coordinator.auth;

import java.util.Objects;

/**
 * Who makes a request: an authenticated key's id, role and limits. Jobs are owned by the submitting caller's id;
 * a {@link Role#USER} sees only its own jobs.
 */
public record Caller(String id, Role role, KeyLimits limits) {
    /** The process itself (embedded mode, CLI-local calls) and the loopback development mode: admin, unlimited. */
    public static final Caller LOCAL = new Caller("local", Role.ADMIN, KeyLimits.UNLIMITED);

    public Caller {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(limits, "limits");
    }

    public boolean admin() {
        return role == Role.ADMIN;
    }

    /** Whether this caller may see a job owned by {@code owner}: its own, or any as admin. */
    public boolean mayAccess(String owner) {
        return admin() || id.equals(owner);
    }
}
