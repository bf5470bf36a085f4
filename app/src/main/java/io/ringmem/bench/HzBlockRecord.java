package io.ringmem.bench;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.ringmem.store.KvBlockRecord;

import java.io.IOException;

/**
 * {@link KvBlockRecord}'s fields under Hazelcast's own {@link DataSerializable}: the comparison value of
 * {@link StoreBenchmark}. Not used by the store.
 */
public final class HzBlockRecord implements DataSerializable {

    private KvBlockRecord record;

    /** For Hazelcast's reflective construction. */
    public HzBlockRecord() {
    }

    HzBlockRecord(KvBlockRecord record) {
        this.record = record;
    }

    KvBlockRecord record() {
        return record;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(record.tokens());
        out.writeIntArray(record.positions());
        out.writeString(record.codec());
        out.writeByteArray(record.payload());
        out.writeFloatArray(record.summary());
        out.writeLong(record.createdAtMillis());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        record = new KvBlockRecord(in.readInt(), in.readIntArray(), in.readString(), in.readByteArray(),
                in.readFloatArray(), in.readLong());
    }
}
