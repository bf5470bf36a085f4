package io.ringmem.worker.ring;

/**
 * A {@code host:port} address as workers publish it. IPv6 literals are written in brackets ({@code [::1]:7000}).
 *
 * @param host a host name or IP literal, without brackets
 * @param port 0 to 65535 (0 only for binding: "any free port")
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host must not be blank");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException for anything else, naming the text
     */
    public static HostPort parse(String text) {
        if (text == null) throw new IllegalArgumentException("address must not be null");
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("address '" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.indexOf(':') >= 0) throw new IllegalArgumentException("IPv6 address '" + text + "' needs brackets: [host]:port");
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + text + "' has no numeric port");
        }
        if (host.isBlank() || port < 0 || port > 65535) throw new IllegalArgumentException("address '" + text + "' is not host:port");
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
