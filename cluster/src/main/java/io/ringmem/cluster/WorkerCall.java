package io.ringmem.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import io.ringmem.protocol.WorkerRequest;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link WorkerRequest} as a Hazelcast executor task: it runs on the target member and hands the request to the
 * {@link RequestHandler} that member's process registered in its user context.
 */
public final class WorkerCall<R extends Serializable> implements Callable<R>, Serializable, HazelcastInstanceAware {
    private final WorkerRequest<R> request;
    private transient HazelcastInstance member;

    public WorkerCall(WorkerRequest<R> request) {
        this.request = request;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public R call() throws InterruptedException {
        Object worker = member.getUserContext().get(RequestHandler.CONTEXT_KEY);
        for (int i = 0; i < 100 && worker == null; i++) { // a worker registers itself right after its member starts
            Thread.sleep(100);
            worker = member.getUserContext().get(RequestHandler.CONTEXT_KEY);
        }
        if (!(worker instanceof RequestHandler w)) {
            throw new IllegalStateException("member " + member.getCluster().getLocalMember().getAddress() + " runs no worker");
        }
        return w.handle(request);
    }
}
