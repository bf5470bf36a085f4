package io.ringmem.it.containers;

import io.ringmem.it.ItPaths;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Containers of the Ringmem image: the image itself, built once per JVM from deploy/docker/Dockerfile with the
 * repository root as build context (so the root .dockerignore applies, exactly as for {@code docker build -f
 * deploy/docker/Dockerfile .}), and coordinator and worker containers on a shared {@link Network}. Members find each
 * other through a Hazelcast member list of network aliases ({@code coordinator:5701,worker-1:5701,...}); the models
 * folder of the test data is bind-mounted read-only at /models; a container counts as started once
 * {@code /health/ready} answers 200.
 */
final class RingmemContainers {
    static final String MODEL = "tinystories-656k";
    static final String COORDINATOR = "coordinator";
    static final int HZ_PORT = 5701;
    static final int RING_PORT = 7070;
    static final int COORDINATOR_HTTP_PORT = 8080;
    static final int WORKER_HTTP_PORT = 8081;
    /** Startup includes the first image build and the JVM; generous for slow CI machines. */
    static final Duration STARTUP = Duration.ofMinutes(5);
    /** Bounds each JVM's heap, so a 5-container cluster fits a small Docker host. */
    private static final String JVM_OPTIONS = "-Xmx768m";

    private static ImageFromDockerfile image;

    private RingmemContainers() {
    }

    /**
     * The image, built from the repository root on first use (and removed when the JVM exits). Fails with the
     * build command when coordinator/target/ringmem.jar has not been built.
     */
    static synchronized ImageFromDockerfile image() {
        if (image == null) {
            ItPaths.jar();
            Path root = ItPaths.root();
            Path dockerfile = ItPaths.dockerfile();
            // withDockerfile alone would take the Dockerfile's folder as the context; the repository root is the
            // context, as in docker build -f deploy/docker/Dockerfile . (docker-java then applies the root .dockerignore)
            image = new ImageFromDockerfile("ringmem-it", true)
                    .withDockerfile(dockerfile)
                    .withBuildImageCmdModifier(cmd -> cmd.withBaseDirectory(root.toFile()).withDockerfile(dockerfile.toFile()));
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

    /** A coordinator: {@code coordinator --model /models/MODEL --members ... --http-port 8080} plus {@code extraArgs}. */
    static GenericContainer<?> coordinator(Network network, String members, List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of("coordinator", "--model", "/models/" + MODEL, "--members", members,
                "--hz-port", String.valueOf(HZ_PORT), "--http-port", String.valueOf(COORDINATOR_HTTP_PORT)));
        args.addAll(extraArgs);
        return member(network, COORDINATOR, COORDINATOR_HTTP_PORT, args);
    }

    /** Worker {@code index}: its ring server on 7070, advertised under its network alias. */
    static GenericContainer<?> worker(Network network, int index, String members) {
        String alias = workerAlias(index);
        return member(network, alias, WORKER_HTTP_PORT, List.of("worker", "--model", "/models/" + MODEL, "--members", members,
                "--hz-port", String.valueOf(HZ_PORT), "--ring-port", String.valueOf(RING_PORT),
                "--http-port", String.valueOf(WORKER_HTTP_PORT), "--advertise-host", alias, "--name", alias));
    }

    private static GenericContainer<?> member(Network network, String alias, int httpPort, List<String> args) {
        return new GenericContainer<>(image())
                .withNetwork(network)
                .withNetworkAliases(alias)
                .withFileSystemBind(ItPaths.models().toString(), "/models", BindMode.READ_ONLY)
                .withEnv("JDK_JAVA_OPTIONS", JVM_OPTIONS)
                .withExposedPorts(httpPort)
                .withCommand(args.toArray(String[]::new))
                .withLogConsumer(frame -> System.out.print("[" + alias + "] " + frame.getUtf8String()))
                .waitingFor(Wait.forHttp("/health/ready").forPort(httpPort).forStatusCode(200).withStartupTimeout(STARTUP));
    }
}
