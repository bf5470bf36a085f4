package io.ringmem.it.containers;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.it.ItKeys;
import io.ringmem.it.ItPaths;
import io.ringmem.it.JobPolls;
import io.ringmem.it.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.github.dockerjava.api.model.Capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image against the Kubernetes manifests (deploy/k8s): the coordinator's and three workers' pods started through
 * Testcontainers with exactly the containers' command (the image's entrypoint), arguments ({@code $(VAR)} expanded
 * as the kubelet does), environment (config map and field references), ports, user, group, read-only root
 * filesystem, dropped capabilities, no privilege escalation, memory limit and volumes (the models read-only, /tmp
 * an emptyDir: a tmpfs of its size limit, the cluster secret: the run's secret file). The startup probe is the wait
 * strategy, liveness and readiness must answer 200 on their ports, and a job runs on a ring of three. One
 * substitution, as there is no Kubernetes API here: {@code --kubernetes-service S --kubernetes-namespace N} becomes
 * {@code --members} of the pods' DNS names; {@code status.podIP} is the pod's DNS name for the same reason. CPU
 * limits are capped at the host's processors.
 */
@ExtendWith(RequiresDocker.class)
class PodSmokeIT {
    private static final String NAMESPACE = "default";
    private static final String COORDINATOR_POD = "ringmem-coordinator";
    private static final int WORKERS = 3;
    private static Network network;
    private static final List<GenericContainer<?>> pods = new ArrayList<>();

    @AfterAll
    static void stop() {
        pods.forEach(GenericContainer::stop);
        if (network != null) network.close();
    }

    @Test
    void theManifestsPodsStartFromTheImageAnswerTheirProbesAndRunAJob() {
        network = Network.newNetwork();
        List<String> names = new ArrayList<>(List.of(COORDINATOR_POD));
        IntStream.range(0, WORKERS).forEach(i -> names.add("ringmem-worker-" + i));
        String members = names.stream().map(n -> n + ":5701").collect(Collectors.joining(","));
        PodSpec coordinatorSpec = PodSpec.coordinator();
        PodSpec workerSpec = PodSpec.worker();
        GenericContainer<?> coordinator = pod(coordinatorSpec, COORDINATOR_POD, members);
        pods.add(coordinator);
        for (int i = 0; i < WORKERS; i++) pods.add(pod(workerSpec, names.get(i + 1), members));
        Startables.deepStart(pods).join();

        for (GenericContainer<?> pod : pods) {
            PodSpec spec = pod == coordinator ? coordinatorSpec : workerSpec;
            for (Probe p : List.of(spec.container().getLivenessProbe(), spec.container().getReadinessProbe())) {
                RawHttp.Response r = get(pod, spec.port(p), PodSpec.path(p));
                assertEquals(200, r.status(), pod.getNetworkAliases() + " " + PodSpec.path(p) + ": " + r.body());
            }
        }

        URI api = URI.create("http://" + coordinator.getHost() + ":" + coordinator.getMappedPort(coordinatorSpec.port(
                coordinatorSpec.container().getReadinessProbe())));
        RingmemClient client = JobPolls.client(api);
        HfReference ref = HfReference.tinyStories512();
        String id = client.submit(JobRequest.builder("score").workers(WORKERS).segmentTokens(ref.ids().length)
                .documents(DocumentInput.tokens("reference", ref.ids())).build()).id();
        JobStatus status = JobPolls.awaitTerminal(client, id, Duration.ofMinutes(5));
        assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
        assertEquals(ref.meanNll(), LongJobs.document(client.result(id), "reference").meanNll(), HfReference.NLL_TOLERANCE);
    }

    private static RawHttp.Response get(GenericContainer<?> pod, int port, String path) {
        try {
            return new RawHttp(URI.create("http://" + pod.getHost() + ":" + pod.getMappedPort(port))).get(path);
        } catch (Exception e) {
            throw new AssertionError(path + " on port " + port + ": " + e, e);
        }
    }

    /** A container run as the kubelet would run the pod's container, with the one discovery substitution. */
    private static GenericContainer<?> pod(PodSpec spec, String podName, String members) {
        Map<String, String> env = spec.env(podName, podName, NAMESPACE);
        List<String> args = withMemberList(spec.args(env), members);
        List<String> command = spec.command(env);
        PodSecurityContext podSc = spec.template().getSpec().getSecurityContext();
        SecurityContext sc = spec.container().getSecurityContext();
        assertTrue(podSc.getRunAsNonRoot() && podSc.getRunAsUser() != 0, "the pod runs as non-root");
        Probe startup = spec.container().getStartupProbe();
        Duration startupTimeout = Duration.ofSeconds((long) startup.getPeriodSeconds() * startup.getFailureThreshold());
        long cpus = (long) (Math.min(spec.cpuLimit(), Runtime.getRuntime().availableProcessors()) * 1e9);

        GenericContainer<?> container = new GenericContainer<>(RingmemContainers.image())
                .withImagePullPolicy(name -> false)
                .withNetwork(network)
                .withNetworkAliases(podName)
                .withEnv(env)
                .withExposedPorts(spec.ports().toArray(Integer[]::new))
                .withCommand(args.toArray(String[]::new))
                .withLogConsumer(frame -> System.out.print("[" + podName + "] " + frame.getUtf8String()))
                .waitingFor(Wait.forHttp(PodSpec.path(startup)).forPort(spec.port(startup)).forStatusCode(200)
                        .withStartupTimeout(startupTimeout));
        Capability[] drop = sc.getCapabilities().getDrop().contains("ALL") ? new Capability[] {Capability.ALL} : new Capability[0];
        List<String> securityOpts = Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()) ? List.of("no-new-privileges") : List.of();
        GenericContainer<?> c = container
                .withCreateContainerCmdModifier(cmd -> {
                    if (command != null) cmd.withEntrypoint(command);
                    cmd.withHostName(podName).withUser(podSc.getRunAsUser() + ":" + podSc.getRunAsGroup());
                    cmd.getHostConfig()
                            .withReadonlyRootfs(Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()))
                            .withCapDrop(drop)
                            .withSecurityOpts(securityOpts)
                            .withGroupAdd(List.of(String.valueOf(podSc.getFsGroup())))
                            .withMemory(spec.memoryLimitBytes())
                            .withMemorySwap(spec.memoryLimitBytes())
                            .withNanoCPUs(cpus);
                });
        spec.mounts().forEach((mount, volume) -> {
            if (volume.getPersistentVolumeClaim() != null) {
                // the models claim: the test data's models folder
                c.withFileSystemBind(ItPaths.models().toString(), mount.getMountPath(),
                        Boolean.TRUE.equals(mount.getReadOnly()) ? BindMode.READ_ONLY : BindMode.READ_WRITE);
            } else if (volume.getSecret() != null && "ringmem-cluster-secret".equals(volume.getSecret().getSecretName())) {
                // the cluster secret: the test run's secret file under the key the args name
                c.withFileSystemBind(ClusterSecretFile.path().toString(), mount.getMountPath() + "/cluster-secret",
                        BindMode.READ_ONLY);
            } else if (volume.getSecret() != null) {
                // the API keys Secret: a directory holding the tests' keys file under the Secret's key name
                assertTrue(volume.getSecret().getItems() == null || volume.getSecret().getItems().isEmpty(), "the whole Secret is mounted");
                c.withFileSystemBind(ItKeys.hostDirectory().toString(), mount.getMountPath(), BindMode.READ_ONLY);
            } else if (volume.getEmptyDir() != null) {
                long size = Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit()).longValue();
                c.withTmpFs(Map.of(mount.getMountPath(), "rw,exec,nosuid,size=" + size));
            } else {
                throw new AssertionError("volume not emulated: " + volume);
            }
        });
        return c;
    }

    /** The args with the Kubernetes discovery pair replaced by the member list; fails if the pair is not there. */
    private static List<String> withMemberList(List<String> args, String members) {
        List<String> out = new ArrayList<>(args);
        for (String flag : List.of("--kubernetes-service", "--kubernetes-namespace")) {
            int i = out.indexOf(flag);
            assertTrue(i >= 0 && i + 1 < out.size(), "the manifest's args have no " + flag + ": " + args);
            out.remove(i + 1);
            out.remove(i);
        }
        out.add("--members");
        out.add(members);
        return out;
    }
}
