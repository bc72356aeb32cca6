import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * How the h2 backend stores documents and index keys. mongo-java-server opens H2's maps with
 * H2's {@link ObjectDataType}, which writes anything that is not a plain number or string with
 * Java serialization: every document, every ObjectId, every unique-index key. Measured with
 * Java Flight Recorder over the delivery bench, that serialization was half of the database's
 * work (52 %), and worse than it looks: a unique index's keys ({@link KeyValue}) are not
 * comparable, so each comparison in its B-tree serialized both keys to compare their bytes.
 *
 * <p>Here documents are stored as BSON (the encoder and decoder the wire protocol already
 * uses), ObjectIds as their 12 bytes and index keys of plain values as a small BSON document,
 * each behind a tag byte that {@link ObjectDataType} never writes (its tags are 0–127); anything
 * else is written as before. Keys are ordered by MongoDB's own value order
 * ({@link ValueComparator}), without serializing anything.
 *
 * <p>A file written before this format (H2's default types) is converted once when it opens
 * ({@link #migrate}): every map is copied into one of the new type and takes its name, and the
 * whole conversion is a single commit, so a crash during it leaves the file as it was.
 */
final class CompactStorage {
    private CompactStorage() {}

    /** The map that says a file is in this format; H2Backend ignores maps outside its prefixes. */
    static final String FORMAT_MAP = "nebulahex.storage";
    static final String FORMAT = "bson-1";

    private static final byte DOCUMENT = (byte) 0xD0;
    private static final byte OBJECT_ID = (byte) 0xD1;
    private static final byte KEY = (byte) 0xD2;

    /** Index-key values whose BSON round trip gives back the same Java value and class. */
    private static final Set<Class<?>> PLAIN = Set.of(String.class, Integer.class, Long.class, Double.class, Boolean.class, ObjectId.class, Instant.class);

    static final Type TYPE = new Type();

    static <K, V> MVMap.Builder<K, V> builder() {
        @SuppressWarnings("unchecked") MVMap.Builder<K, V> builder = (MVMap.Builder<K, V>) new MVMap.Builder<Object, Object>().keyType(TYPE).valueType(TYPE);
        return builder;
    }

    static <K, V> MVMap<K, V> open(MVStore store, String name) {
        return store.openMap(name, CompactStorage.<K, V>builder());
    }

    /**
     * Converts a file written with H2's default types; marks a new or converted file. Returns
     * how many maps were converted (0 when there was nothing to do).
     */
    static int migrate(MVStore store) {
        MVMap<String, String> format = store.openMap(FORMAT_MAP);
        if (FORMAT.equals(format.get("format"))) return 0;
        List<String> names = new ArrayList<>();
        for (String name : store.getMapNames()) if (!name.equals(FORMAT_MAP)) names.add(name);
        int delay = store.getAutoCommitDelay();
        store.setAutoCommitDelay(0); // nothing of a half-done conversion may reach the file
        try {
            for (String name : names) {
                MVMap<Object, Object> old = store.openMap(name);
                String temporary = name + ".converting";
                if (store.hasMap(temporary)) store.removeMap(temporary);
                MVMap<Object, Object> converted = open(store, temporary);
                for (Map.Entry<Object, Object> entry : old.entrySet()) converted.put(entry.getKey(), entry.getValue());
                store.removeMap(old);
                store.renameMap(converted, name);
            }
            format.put("format", FORMAT);
            store.commit();
        } finally {
            store.setAutoCommitDelay(delay);
        }
        return names.size();
    }

    /** H2UniqueIndex's behaviour over a map of this type (its constructor is not public). */
    static final class UniqueIndex extends AbstractUniqueIndex<Object> {
        private final MVMap<KeyValue, Object> map;

        private final List<String> keyNames;
        private final Set<String> keyNameSet;
        /** Each key's dotted path, split once. */
        private final String[][] keyPaths;

        UniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.map = map;
            this.keyNames = keys.stream().map(IndexKey::getKey).toList();
            this.keyNameSet = Collections.unmodifiableSet(new LinkedHashSet<>(keyNames));
            this.keyPaths = keyNames.stream().map(key -> key.split("\\.")).toArray(String[][]::new);
        }

        // The library builds these by stream on every call: from each query's planning
        // (canHandle) and each key computation. The index's keys never change.
        @Override protected List<String> keys() { return keyNames; }
        @Override protected Set<String> keySet() { return keyNameSet; }

        /**
         * Whether an update leaves this index's key as it was. The library answers by building
         * both documents' full key sets (a path split by regex, a set and a map per key) twice
         * per update, once to check and once to update in place; profiled under the delivery
         * bench that was a quarter of everything the database allocated. An update almost never
         * changes a unique key (a delivery's attempt changes its status, not its _id, eventId or
         * subscriptionId), so when every key field holds the same plain value in both documents
         * the answer is yes at once; anything else (arrays, sub-documents, missing fields,
         * different values) is still decided by the library.
         */
        @Override protected boolean nullAwareEqualsKeys(Document oldDocument, Document newDocument) {
            for (String[] path : keyPaths) {
                Object before = plainAt(oldDocument, path), after = plainAt(newDocument, path);
                if (before == null || after == null || before.getClass() != after.getClass() || !before.equals(after)) {
                    return super.nullAwareEqualsKeys(oldDocument, newDocument);
                }
            }
            return true;
        }

        /** The plain value at `path`, or null when the path holds anything else or nothing. */
        private static Object plainAt(Document document, String[] path) {
            Object value = document;
            for (String part : path) {
                if (!(value instanceof Document nested)) return null;
                value = nested.get(part);
            }
            return value != null && PLAIN.contains(value.getClass()) ? value : null;
        }

        @Override protected Object removeDocument(KeyValue key) { return map.remove(key); }
        @Override protected boolean putKeyPosition(KeyValue key, Object position) { return map.putIfAbsent(key, Missing.ofNullable(position)) == null; }
        @Override protected Iterable<Map.Entry<KeyValue, Object>> getIterable() { return map.entrySet(); }
        @Override protected Object getPosition(KeyValue key) { return map.get(key); }
        @Override public long getCount() { return map.sizeAsLong(); }
        @Override public boolean isEmpty() { return map.isEmpty(); }
        @Override public long getDataSize() { return getCount(); }
    }

    /** The stored documents' BSON, kept between commits; see {@link Encoded}. */
    static final Encoded ENCODED = new Encoded();

    /**
     * The BSON of recently written documents, by identity. A commit writes every page a write
     * touched whole, so changing one delivery rewrites the other documents of its leaf page
     * (up to 48) too; profiled under the delivery bench, encoding them again at every commit
     * was a seventh of the database's CPU. A direct-mapped table of slots, each holding one
     * document and its bytes: a document whose slot another one took is encoded again, which is
     * all a miss costs. Changing a stored document in place must call {@link #forget} after the
     * change: that replaces the slot, so a commit that encoded the document while it was being
     * changed cannot store its bytes either (its compare-and-set fails).
     */
    static final class Encoded {
        private static final int SLOTS = 1 << 14;
        private record Entry(Document document, byte[] bson) {}
        private final AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>(SLOTS);

        private static int slotOf(Document document) {
            int hash = System.identityHashCode(document);
            return (hash ^ (hash >>> 14)) & (SLOTS - 1);
        }

        /** The document's BSON, encoded now or at a commit since it last changed; null if BSON cannot hold it. */
        byte[] bytesOf(Document document) {
            int slot = slotOf(document);
            Object seen = slots.get(slot);
            if (seen instanceof Entry entry && entry.document == document) return entry.bson;
            byte[] bson = Type.bsonOf(document);
            if (bson != null) slots.compareAndSet(slot, seen, new Entry(document, bson));
            return bson;
        }

        /**
         * Forgets what `document` was encoded as: call after changing a stored document in place
         * (mongo-java-server's updates do, then put the same object back), before the change can
         * be committed.
         */
        void forget(Document document) {
            slots.set(slotOf(document), new Object()); // a new object, so no earlier read of the slot can still swap it
        }
    }

    static final class Type extends BasicDataType<Object> {
        private static final ObjectDataType FALLBACK = new ObjectDataType();
        private static final ValueComparator ORDER = ValueComparator.asc();
        private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(4096));

        @Override public int compare(Object a, Object b) {
            if (a == b) return 0;
            if (a instanceof KeyValue ka && b instanceof KeyValue kb) return compareKeys(ka, kb);
            if (a.getClass() == b.getClass() && a instanceof Comparable) {
                @SuppressWarnings("unchecked") int order = ((Comparable<Object>) a).compareTo(b);
                return order;
            }
            return ORDER.compare(a, b);
        }

        private static int compareKeys(KeyValue a, KeyValue b) {
            int common = Math.min(a.size(), b.size());
            for (int i = 0; i < common; i++) {
                int order = SecondaryIndexes.compareStored(a.get(i), b.get(i));
                if (order != 0) return order;
            }
            return Integer.compare(a.size(), b.size());
        }

        @Override public int getMemory(Object value) {
            if (value instanceof Document document) return 48 + estimate(document);
            if (value instanceof ObjectId) return 40;
            if (value instanceof KeyValue key) {
                int size = 48;
                for (Object part : key) size += estimateValue(part);
                return size;
            }
            return FALLBACK.getMemory(value);
        }

        private static int estimate(Map<String, ?> document) {
            int size = 0;
            for (Map.Entry<String, ?> entry : document.entrySet()) size += 48 + 2 * entry.getKey().length() + estimateValue(entry.getValue());
            return size;
        }

        private static int estimateValue(Object value) {
            if (value instanceof String text) return 40 + 2 * text.length();
            if (value instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked") Map<String, ?> document = (Map<String, ?>) map;
                return 48 + estimate(document);
            }
            if (value instanceof List<?> list) {
                int size = 40;
                for (Object item : list) size += 8 + estimateValue(item);
                return size;
            }
            if (value instanceof byte[] bytes) return 16 + bytes.length;
            return 24;
        }

        @Override public void write(WriteBuffer buffer, Object value) {
            if (value instanceof Document document) {
                byte[] bson = ENCODED.bytesOf(document);
                if (bson != null) {
                    buffer.put(DOCUMENT).put(bson);
                    return;
                }
            } else if (value instanceof ObjectId id) {
                buffer.put(OBJECT_ID).put(id.toByteArray());
                return;
            } else if (value instanceof KeyValue key && plain(key)) {
                ByteBuf bson = encoded(key);
                buffer.put(KEY).put(bson.array(), bson.arrayOffset() + bson.readerIndex(), bson.readableBytes());
                return;
            }
            FALLBACK.write(buffer, value);
        }

        private static boolean plain(KeyValue key) {
            for (Object part : key) if (part == null || !PLAIN.contains(part.getClass())) return false;
            return true;
        }

        /**
         * A key of plain values as the BSON document {"0": first, "1": second, …} in this
         * thread's scratch buffer: the bytes BsonEncoder gives that document, written without
         * building it. Every commit writes the keys of each unique-index page it touches, and
         * building a document per key was a fifth of what the database allocated.
         */
        private static ByteBuf encoded(KeyValue key) {
            ByteBuf out = SCRATCH.get();
            out.clear();
            out.writeIntLE(0); // the length, known at the end
            for (int i = 0; i < key.size(); i++) {
                Object part = key.get(i);
                byte type = BsonEncoder.determineType(part);
                out.writeByte(type);
                if (i < 10) out.writeByte('0' + i);
                else out.writeCharSequence(Integer.toString(i), StandardCharsets.US_ASCII);
                out.writeByte(0);
                BsonEncoder.encodeValue(type, part, out);
            }
            out.writeByte(0);
            out.setIntLE(0, out.writerIndex());
            return out;
        }

        /** The document as BSON (a new array), or null if BSON cannot hold it. */
        static byte[] bsonOf(Document document) {
            ByteBuf bson = encoded(document);
            if (bson == null) return null;
            byte[] bytes = new byte[bson.readableBytes()];
            bson.getBytes(bson.readerIndex(), bytes);
            return bytes;
        }

        /** The document as BSON in this thread's scratch buffer, or null if BSON cannot hold it. */
        private static ByteBuf encoded(Document document) {
            ByteBuf scratch = SCRATCH.get();
            scratch.clear();
            try {
                BsonEncoder.encodeDocument(document, scratch);
                return scratch;
            } catch (RuntimeException notBson) {
                return null;
            }
        }

        @Override public Object read(ByteBuffer buffer) {
            byte tag = buffer.get(buffer.position());
            switch (tag) {
                case DOCUMENT -> {
                    buffer.get();
                    return decode(buffer);
                }
                case OBJECT_ID -> {
                    buffer.get();
                    byte[] bytes = new byte[12];
                    buffer.get(bytes);
                    return new ObjectId(bytes);
                }
                case KEY -> {
                    buffer.get();
                    return new KeyValue(decode(buffer).values());
                }
                default -> {
                    return FALLBACK.read(buffer);
                }
            }
        }

        private static Document decode(ByteBuffer buffer) {
            int start = buffer.position();
            int length = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(start);
            ByteBuf bson;
            if (buffer.hasArray()) {
                bson = Unpooled.wrappedBuffer(buffer.array(), buffer.arrayOffset() + start, length);
            } else {
                byte[] copy = new byte[length];
                buffer.duplicate().position(start).get(copy);
                bson = Unpooled.wrappedBuffer(copy);
            }
            buffer.position(start + length);
            return BsonDecoder.decodeBson(bson);
        }

        @Override public Object[] createStorage(int size) { return new Object[size]; }
    }
}
