package io.ringmem.it.containers;

import io.ringmem.it.ItKeys;
import io.ringmem.it.ItPaths;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;

/**
 * Containers of the Ringmem image: the image is a local tag built beforehand by deploy/docker/build-images.sh
 * (default {@code ringmem:0.1.0}, system property {@code ringmem.image}); it is never pulled, and a missing tag fails
 * at once with the command that builds it. Coordinator and worker containers share a {@link Network}; members find
 * each other through a Hazelcast member list of network aliases ({@code coordinator:5701,worker-1:5701,...}); the
 * models folder of the test data is bind-mounted read-only at /models. Every container runs as the image's user
 * (10001) with a read-only root filesystem, a tmpfs at /tmp (as the manifests' emptyDir) and a memory limit that
 * sizes the heap (the image's MaxRAMPercentage=75); it counts as started once {@code /health/ready} answers 200.
 */
final class RingmemContainers {
    static final String MODEL = "tinystories-656k";
    static final String COORDINATOR = "coordinator";
    static final int HZ_PORT = 5701;
    static final int RING_PORT = 7070;
    static final int COORDINATOR_HTTP_PORT = 8080;
    static final int WORKER_HTTP_PORT = 8081;
    /** Startup is the JVM, Hazelcast's join and the model; generous for slow CI machines. */
    static final Duration STARTUP = Duration.ofMinutes(3);
    /** The image the tests run, built by deploy/docker/build-images.sh. */
    static final String DEFAULT_IMAGE = "ringmem:0.1.0";
    /** Memory limit of each container: five fit a small Docker host; the JVM heap is 75% of it. */
    static final long MEMORY_LIMIT_BYTES = 1280L << 20;

    private static DockerImageName image;

    private RingmemContainers() {
    }

    /**
     * The local image tag; fails (without pulling anything) when the Docker engine does not have it, naming the
     * script that builds it.
     */
    static synchronized DockerImageName image() {
        if (image == null) {
            String tag = ItPaths.image(DEFAULT_IMAGE);
            InspectImageResponse inspected;
            try {
                inspected = DockerClientFactory.instance().client().inspectImageCmd(tag).exec();
            } catch (NotFoundException e) {
                throw new IllegalStateException("the Docker image " + tag + " does not exist on this engine, and the tests never pull: "
                        + "build it with deploy/docker/build-images.sh (after ./mvnw -DskipTests package)", e);
            }
            System.out.println("container tests: image " + tag + " " + inspected.getId() + ", built " + inspected.getCreated()
                    + " (rebuild it with deploy/docker/build-images.sh after changing the code)");
            image = DockerImageName.parse(tag);
        }
        return image;
    }

    /** The network alias of worker {@code index} (1-based). */
    static String workerAlias(int index) {
        return "worker-" + index;
    }

    /** The Hazelcast member list of a coordinator and {@code workers} workers. */
    static String members(int workers) {
        List<String> hosts = new ArrayList<>(List.of(COORDINATOR));
        IntStream.rangeClosed(1, workers).forEach(i -> hosts.add(workerAlias(i)));
        return hosts.stream().map(h -> h + ":" + HZ_PORT).collect(Collectors.joining(","));
    }

    /**
     * A coordinator: {@code coordinator --model /models/MODEL --members ... --http-port 8080 --api-keys FILE} plus
     * {@code extraArgs}, the keys file ({@link ItKeys}) bound read-only as a mounted Secret would be.
     */
    static GenericContainer<?> coordinator(Network network, String members, List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of("coordinator", "--model", "/models/" + MODEL, "--members", members,
                "--hz-port", String.valueOf(HZ_PORT), "--http-port", String.valueOf(COORDINATOR_HTTP_PORT),
                "--api-keys", ItKeys.CONTAINER_FILE));
        args.addAll(extraArgs);
        return member(network, COORDINATOR, COORDINATOR_HTTP_PORT, args)
                .withFileSystemBind(ItKeys.hostDirectory().toString(), ItKeys.CONTAINER_DIR, BindMode.READ_ONLY);
    }

    /** Worker {@code index}: its ring server on 7070, advertised under its network alias. */
    static GenericContainer<?> worker(Network network, int index, String members, List<String> extraArgs) {
        String alias = workerAlias(index);
        List<String> args = new ArrayList<>(List.of("worker", "--model", "/models/" + MODEL, "--members", members,
                "--hz-port", String.valueOf(HZ_PORT), "--ring-port", String.valueOf(RING_PORT),
                "--http-port", String.valueOf(WORKER_HTTP_PORT), "--advertise-host", alias, "--name", alias));
        args.addAll(extraArgs);
        return member(network, alias, WORKER_HTTP_PORT, args);
    }

    /** Where every container finds the cluster secret (a host file, the same for the whole test run, read-only). */
    static final String SECRET_PATH = "/run/ringmem/cluster-secret";

    /**
     * The members talk over the Docker network, so they bind every interface ({@code --bind 0.0.0.0}), which needs
     * the cluster secret: one random secret per test JVM, in a host file mounted read-only.
     */
    private static GenericContainer<?> member(Network network, String alias, int httpPort, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--bind", "0.0.0.0", "--cluster-secret", SECRET_PATH));
        return hardened(new GenericContainer<>(image()))
                .withFileSystemBind(ClusterSecretFile.path().toString(), SECRET_PATH, BindMode.READ_ONLY)
                .withNetwork(network)
                .withNetworkAliases(alias)
                .withFileSystemBind(ItPaths.models().toString(), "/models", BindMode.READ_ONLY)
                .withExposedPorts(httpPort)
                .withCommand(all.toArray(String[]::new))
                .withLogConsumer(frame -> System.out.print("[" + alias + "] " + frame.getUtf8String()))
                .waitingFor(Wait.forHttp("/health/ready").forPort(httpPort).forStatusCode(200).withStartupTimeout(STARTUP));
    }

    /**
     * Never pulls; a read-only root filesystem with a tmpfs at /tmp (JVM perf data, Netty's native library), the
     * memory limit (no swap beyond it) and a hostname, as a Kubernetes pod of the manifests runs.
     */
    static GenericContainer<?> hardened(GenericContainer<?> c) {
        return c.withImagePullPolicy(name -> false)
                .withTmpFs(Map.of("/tmp", "rw,exec,nosuid,size=256m"))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withMemory(MEMORY_LIMIT_BYTES)
                        .withMemorySwap(MEMORY_LIMIT_BYTES));
    }
}
