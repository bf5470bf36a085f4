package io.ringmem.forward;

import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingQueries;

/**
 * A rank's resident queries for one layer as the ring sees them. The local block must be the projection's own keys
 * and values at {@code pos}: it is attended from the backend's copy, without an upload.
 */
final class DeviceQueries implements RingQueries {
    private final DeviceModel device;
    private final Projection qkv;
    private final int[] pos; // (n) the rank's positions, queries and own keys alike

    DeviceQueries(DeviceModel device, Projection qkv, int[] pos) {
        this.device = device;
        this.qkv = qkv;
        this.pos = pos;
    }

    @Override
    public void attendLocal(KvBlock local, boolean causal, float[] out, float[] lse) {
        device.attendOwn(qkv, pos, causal, out, lse);
    }

    @Override
    public void attend(KvBlock b, boolean causal, float[] out, float[] lse) {
        device.attend(qkv, pos, b.k(), b.v(), b.positions(), b.tokens(), causal, out, lse);
    }
}
