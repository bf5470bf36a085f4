package io.ringmem.coordinator.auth;

import java.util.Locale;

/** What an API key may do: {@link #USER} its own jobs; {@link #ADMIN} every job and the cluster's addresses. */
public enum Role {
    USER, ADMIN;

    /** {@code admin} or {@code user} (any case); anything else is an {@link IllegalArgumentException}. */
    public static Role parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "admin" -> ADMIN;
            case "user" -> USER;
            default -> throw new IllegalArgumentException("role must be admin or user, got '" + s + "'");
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
