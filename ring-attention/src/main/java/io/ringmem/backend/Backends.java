package io.ringmem.backend;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backends a process can choose from: the {@link BackendProvider}s found through {@link ServiceLoader} (or
 * given explicitly, for tests), looked up by case-insensitive name.
 *
 * <p>Each provider is probed at most once per registry, lazily: selecting {@code vector} does not load a GPU
 * library. A provider whose probe says no, or throws although it must not, is reported unavailable with its reason
 * and never created. A provider class that fails to load is skipped and named in error messages. When two
 * providers share a name the first one found wins. Thread-safe.
 */
public final class Backends {
    private static final int MAX_BROKEN = 100;
    private final Map<String, BackendProvider> providers; // by name, discovery order
    private final List<String> broken; // providers that could not even be instantiated, with the reason
    private final Map<String, Availability> probes = new ConcurrentHashMap<>();

    private Backends(List<BackendProvider> found, List<String> broken) {
        Map<String, BackendProvider> byName = new LinkedHashMap<>();
        for (BackendProvider p : found) byName.putIfAbsent(normalize(p.name()), p);
        this.providers = byName;
        this.broken = List.copyOf(broken);
    }

    /** The providers registered on the class path of this class's loader. */
    public static Backends discover() {
        return discover(Backends.class.getClassLoader());
    }

    /** The providers registered on the class path of {@code loader}. */
    public static Backends discover(ClassLoader loader) {
        List<BackendProvider> found = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class, loader).iterator();
        // after an error the iterator moves on to the next entry; the bound only guards against one that does not
        for (int errors = 0; errors < MAX_BROKEN; ) {
            try {
                if (!it.hasNext()) break;
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                broken.add(String.valueOf(e.getMessage()));
                errors++;
            }
        }
        return new Backends(found, broken);
    }

    /** A registry of exactly these providers, in this order. */
    public static Backends of(List<? extends BackendProvider> providers) {
        return new Backends(List.copyOf(providers), List.of());
    }

    /** Every provider's name, available or not, in discovery order. */
    public List<String> names() {
        return List.copyOf(providers.keySet());
    }

    /** The names of the providers whose probe succeeds here, in discovery order. */
    public List<String> availableNames() {
        List<String> out = new ArrayList<>();
        for (String name : providers.keySet()) if (availability(name).available()) out.add(name);
        return out;
    }

    /**
     * Whether the named backend can run here.
     *
     * @throws IllegalArgumentException for a name no provider has
     */
    public Availability availability(String name) {
        String key = normalize(name);
        BackendProvider p = providers.get(key);
        if (p == null) throw unknown(name);
        return probes.computeIfAbsent(key, k -> probe(p));
    }

    /**
     * Creates the named backend; the caller owns it and closes it.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the available backends) or an
     *                                  unavailable backend (the message gives the probe's reason)
     */
    public Backend create(String name, BackendSettings settings) {
        Availability a = availability(name);
        if (!a.available()) {
            throw new IllegalArgumentException("backend '" + normalize(name) + "' is not available here: " + a.reason()
                    + "; available: " + availableNames());
        }
        return providers.get(normalize(name)).create(settings);
    }

    /** One line per provider: its name and availability, then the providers that failed to load. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (String name : providers.keySet()) {
            Availability a = availability(name);
            b.append(name).append(a.available() ? ": available" : ": unavailable (" + a.reason() + ")").append('\n');
        }
        for (String s : broken) b.append("failed to load: ").append(s).append('\n');
        return b.toString();
    }

    private IllegalArgumentException unknown(String name) {
        String msg = "unknown kernels '" + name + "'; expected one of " + availableNames();
        List<String> unavailable = new ArrayList<>(providers.keySet());
        unavailable.removeAll(availableNames());
        if (!unavailable.isEmpty()) msg += " (not available here: " + unavailable + ")";
        if (!broken.isEmpty()) msg += " (failed to load: " + broken + ")";
        return new IllegalArgumentException(msg);
    }

    private static Availability probe(BackendProvider p) {
        try {
            Availability a = p.probe();
            return a == null ? Availability.no("probe returned nothing") : a;
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("probe failed: " + e);
        }
    }

    private static String normalize(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    }
}
