package io.ringmem.store.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.hazelcast.StoredKey;

/**
 * Kryo serializers of the stored classes. Bulk arrays are written raw (length, then the elements with
 * {@code writeInts}/{@code writeFloats}/{@code writeBytes}), which the Unsafe streams turn into one memory
 * copy. Formats are part of the stored data: change one only with a new class id in {@link KryoRegistry}.
 */
final class KryoSerializers {

    private KryoSerializers() {
    }

    /** {@code documentId, segment, layer, block}. */
    static final class BlockKeySerializer extends Serializer<BlockKey> {
        BlockKeySerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output out, BlockKey k) {
            out.writeString(k.documentId());
            out.writeVarInt(k.segment(), true);
            out.writeVarInt(k.layer(), true);
            out.writeVarInt(k.block(), true);
        }

        @Override
        public BlockKey read(Kryo kryo, Input in, Class<? extends BlockKey> type) {
            return new BlockKey(in.readString(), in.readVarInt(true), in.readVarInt(true), in.readVarInt(true));
        }
    }

    /** The wrapped {@link BlockKey}, same format. */
    static final class StoredKeySerializer extends Serializer<StoredKey> {
        private final BlockKeySerializer keys = new BlockKeySerializer();

        StoredKeySerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output out, StoredKey k) {
            keys.write(kryo, out, k.key());
        }

        @Override
        public StoredKey read(Kryo kryo, Input in, Class<? extends StoredKey> type) {
            return new StoredKey(keys.read(kryo, in, BlockKey.class));
        }
    }

    /** {@code tokens, positions[tokens] raw, codec, payload (len + raw), summary (len + raw), createdAt}. */
    static final class KvBlockRecordSerializer extends Serializer<KvBlockRecord> {
        KvBlockRecordSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output out, KvBlockRecord r) {
            out.writeVarInt(r.tokens(), true);
            out.writeInts(r.positions(), 0, r.tokens());
            out.writeString(r.codec());
            out.writeVarInt(r.payload().length, true);
            out.writeBytes(r.payload());
            out.writeVarInt(r.summary().length, true);
            out.writeFloats(r.summary(), 0, r.summary().length);
            out.writeLong(r.createdAtMillis());
        }

        @Override
        public KvBlockRecord read(Kryo kryo, Input in, Class<? extends KvBlockRecord> type) {
            int tokens = in.readVarInt(true);
            int[] positions = in.readInts(tokens);
            String codec = in.readString();
            byte[] payload = in.readBytes(in.readVarInt(true));
            float[] summary = in.readFloats(in.readVarInt(true));
            return new KvBlockRecord(tokens, positions, codec, payload, summary, in.readLong());
        }
    }
}
