package io.ringmem.it.containers;

import io.ringmem.api.RingmemClient;
import io.ringmem.it.JobPolls;
import io.ringmem.it.RawHttp;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.lifecycle.Startables;

import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;

/**
 * A coordinator and N workers of the Ringmem image on their own Docker network, as one {@link Startable} for
 * {@code @Container}. Creating one touches no Docker; {@link #start()} builds the image if needed and starts all
 * containers in parallel, each waiting for {@code /health/ready}. Fault injection: {@link #kill} sends SIGKILL
 * ({@code docker kill}), {@link #restartCoordinator} is {@code docker restart}.
 */
final class RingmemCluster implements Startable {
    private final int workerCount;
    private final List<String> coordinatorArgs;
    private final List<String> memberArgs = new ArrayList<>();
    private String jvmOptions = "";
    private Network network;
    private GenericContainer<?> coordinator;
    private final List<GenericContainer<?>> workers = new ArrayList<>();

    private RingmemCluster(int workerCount, List<String> coordinatorArgs) {
        this.workerCount = workerCount;
        this.coordinatorArgs = List.copyOf(coordinatorArgs);
    }

    /** A cluster of one coordinator (with these extra args) and {@code workers} workers. */
    static RingmemCluster of(int workers, String... coordinatorArgs) {
        return new RingmemCluster(workers, List.of(coordinatorArgs));
    }

    /** Extra arguments of every member, coordinator and workers (e.g. {@code --failure-seconds 5}). */
    RingmemCluster withMemberArgs(String... args) {
        memberArgs.addAll(List.of(args));
        return this;
    }

    /** JVM options of every member, through {@code JDK_JAVA_OPTIONS} (e.g. Hazelcast system properties). */
    RingmemCluster withJvmOptions(String options) {
        jvmOptions = options;
        return this;
    }

    @Override
    public void start() {
        RingmemContainers.image();
        network = Network.newNetwork();
        String members = RingmemContainers.members(workerCount);
        List<String> coordinatorAll = new ArrayList<>(coordinatorArgs);
        coordinatorAll.addAll(memberArgs);
        coordinator = RingmemContainers.coordinator(network, members, coordinatorAll);
        for (int i = 1; i <= workerCount; i++) workers.add(RingmemContainers.worker(network, i, members, memberArgs));
        if (!jvmOptions.isEmpty()) {
            coordinator.withEnv("JDK_JAVA_OPTIONS", jvmOptions);
            workers.forEach(w -> w.withEnv("JDK_JAVA_OPTIONS", jvmOptions));
        }
        List<GenericContainer<?>> all = new ArrayList<>(workers);
        all.add(coordinator);
        Startables.deepStart(all).join();
    }

    @Override
    public void stop() {
        workers.forEach(GenericContainer::stop);
        if (coordinator != null) coordinator.stop();
        if (network != null) network.close();
    }

    /** A client of the coordinator's published HTTP port. */
    RingmemClient client() {
        return JobPolls.client(coordinatorUri());
    }

    /** Plain HTTP to the coordinator's published port (bodies and endpoints the client does not cover). */
    RawHttp http() {
        return new RawHttp(coordinatorUri());
    }

    /** Plain HTTP to the coordinator's published port without an API key, as an outsider would send. */
    RawHttp outsider() {
        return new RawHttp(coordinatorUri(), false);
    }

    private URI coordinatorUri() {
        return URI.create("http://" + coordinator.getHost() + ":" + hostPort(coordinator, RingmemContainers.COORDINATOR_HTTP_PORT));
    }

    /** Worker {@code index} (1-based). */
    GenericContainer<?> worker(int index) {
        return workers.get(index - 1);
    }

    /** Cuts the container off the cluster's network ({@code docker network disconnect --force}). */
    void disconnect(GenericContainer<?> container) {
        container.getDockerClient().disconnectFromNetworkCmd().withNetworkId(network.getId())
                .withContainerId(container.getContainerId()).withForce(true).exec();
    }

    /** Puts the container back on the network with its network aliases ({@code docker network connect --alias ...}). */
    void reconnect(GenericContainer<?> container) {
        container.getDockerClient().connectToNetworkCmd().withNetworkId(network.getId()).withContainerId(container.getContainerId())
                .withContainerNetwork(new ContainerNetwork().withAliases(container.getNetworkAliases())).exec();
    }

    /** Kills the container with SIGKILL, as {@code docker kill} does: no shutdown hooks, no graceful leave. */
    void kill(GenericContainer<?> container) {
        container.getDockerClient().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
    }

    /**
     * Restarts the coordinator container ({@code docker restart}: SIGTERM, then start) and returns a client of its
     * HTTP port once {@code /health/ready} answers 200 again; the published host port may change on restart.
     */
    RingmemClient restartCoordinator(Duration readyTimeout) {
        coordinator.getDockerClient().restartContainerCmd(coordinator.getContainerId()).withTimeout(30).exec();
        RingmemClient client = client();
        JobPolls.awaitReady(client, readyTimeout);
        return client;
    }

    /** The host port Docker currently publishes for the container port (read fresh, not from the start-time cache). */
    private static int hostPort(GenericContainer<?> c, int containerPort) {
        Ports.Binding[] bindings = c.getDockerClient().inspectContainerCmd(c.getContainerId()).exec()
                .getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(containerPort));
        if (bindings == null || bindings.length == 0) throw new IllegalStateException("port " + containerPort + " is not published");
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }
}
