import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Secondary indexes for mongo-java-server, which keeps none: it ignores every non-unique index
 * and answers any query that is not exactly `{_id: …}` (or exactly a unique index's keys) by
 * reading and matching every document of the collection, under the collection's lock. For the
 * delivery engine that made the cost of each write grow with the data held — recording an
 * attempt (`{_id, lockedBy}`) read all deliveries.
 *
 * <p>Here a query first asks which documents can match: by `_id` when the query names one or a
 * few ids beside other conditions, by a unique index when its keys are all given, or by an
 * {@link OrderedIndex} (kept in memory for each non-unique index the application declares, rebuilt
 * from the stored documents when a database opens) when the query fixes its leading keys. Those
 * candidates — always a superset of the answer — then go through the library's own matcher,
 * sort, skip and limit, in the collection's natural order, so every answer is the one a full
 * scan gives (`server/src/db/secondary-indexes.test.ts` compares them). A query none of this can
 * narrow still scans, as before.
 */
final class SecondaryIndexes {
    private SecondaryIndexes() {}

    static MongoBackend memory() {
        return new MemoryBackend() {
            @Override public MemoryDatabase openOrCreateDatabase(String databaseName) {
                return new IndexedMemoryDatabase(databaseName, getCursorRegistry());
            }
        };
    }

    /** Converts a file in H2's default types first (CompactStorage), so every map it opens is compact. */
    static H2Backend h2(MVStore store) {
        int converted = CompactStorage.migrate(store);
        if (converted > 0) System.err.println("converted " + converted + " maps of " + store.getFileStore().getFileName() + " to BSON storage");
        return new IndexedH2Backend(store);
    }

    // ---- the planner ------------------------------------------------------------------------

    /** Below every key value, MinKey and null included. */
    private static final Object LOW = new Object() { @Override public String toString() { return "LOW"; } };
    /** Above every key value, MaxKey included. */
    private static final Object HIGH = new Object() { @Override public String toString() { return "HIGH"; } };
    /** More point lookups than this ($in × $in …) and the planner uses a shorter prefix. */
    private static final int MAX_POINTS = 256;

    static int compareValues(Object a, Object b) {
        if (a == b) return 0;
        if (a == LOW || b == HIGH) return -1;
        if (a == HIGH || b == LOW) return 1;
        return compareStored(a, b);
    }

    /**
     * MongoDB's order of two stored values: {@link ValueComparator}'s answer, reached directly
     * when both are of the same class among those an index key almost always holds. Profiled
     * under the delivery bench, ValueComparator's general path (lists, MinKey, missing values,
     * type order, then the class checks in turn) was a fifth of the database's CPU, nearly all
     * of it comparing two strings or two dates in an ordered index's skip list. For these
     * classes ValueComparator ends in the very comparison made here.
     */
    static int compareStored(Object a, Object b) {
        if (a != null && b != null) {
            Class<?> type = a.getClass();
            if (type == b.getClass()) {
                if (type == String.class) return ((String) a).compareTo((String) b);
                if (type == Instant.class) return ((Instant) a).compareTo((Instant) b);
                if (type == ObjectId.class) return ((ObjectId) a).compareTo((ObjectId) b);
                if (type == Integer.class) return Integer.compare((Integer) a, (Integer) b);
                if (type == Long.class) return Long.compare((Long) a, (Long) b);
                if (type == Boolean.class) return Boolean.compare((Boolean) a, (Boolean) b);
            }
        }
        return ValueComparator.asc().compare(a, b);
    }

    static final Comparator<Object[]> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < a.length; i++) {
            int c = compareValues(a[i], b[i]);
            if (c != 0) return c;
        }
        return 0;
    };

    /** A value an index can look up by equality: plain scalars only (no null, array, document or regex). */
    static boolean isPlain(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean
            || value instanceof ObjectId || value instanceof Instant || value instanceof UUID;
    }

    /** What a query asks of one field: points (equality / $in), or a range, or nothing usable. */
    record Condition(List<Object> points, Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {
        static Condition of(Object spec) {
            if (isPlain(spec)) return new Condition(List.of(spec), null, false, null, false);
            if (!(spec instanceof Document operators) || operators.isEmpty()) return null;
            List<Object> points = null;
            Object lower = LOW, upper = HIGH;
            boolean lowerInclusive = true, upperInclusive = true, range = false;
            for (Map.Entry<String, Object> entry : operators.entrySet()) {
                Object value = entry.getValue();
                switch (entry.getKey()) {
                    case "$eq" -> {
                        if (!isPlain(value)) return null;
                        points = List.of(value);
                    }
                    case "$in" -> {
                        if (!(value instanceof Collection<?> values) || values.isEmpty() || values.size() > MAX_POINTS) return null;
                        for (Object item : values) if (!isPlain(item)) return null;
                        points = new ArrayList<>(values);
                    }
                    case "$gt", "$gte" -> {
                        if (!isPlain(value)) return null;
                        if (compareValues(value, lower) > 0 || (compareValues(value, lower) == 0 && entry.getKey().equals("$gt"))) {
                            lower = value;
                            lowerInclusive = entry.getKey().equals("$gte");
                        }
                        range = true;
                    }
                    case "$lt", "$lte" -> {
                        if (!isPlain(value)) return null;
                        if (compareValues(value, upper) < 0 || (compareValues(value, upper) == 0 && entry.getKey().equals("$lt"))) {
                            upper = value;
                            upperInclusive = entry.getKey().equals("$lte");
                        }
                        range = true;
                    }
                    // Anything else ($ne, $nin, $exists, $not, $elemMatch, $regex …) does not narrow
                    // this field; the matcher still applies it to the candidates.
                    default -> { }
                }
            }
            if (points != null) return new Condition(points, null, false, null, false);
            return range ? new Condition(null, lower, lowerInclusive, upper, upperInclusive) : null;
        }

        boolean isPoints() { return points != null; }
    }

    /** Documents read to answer queries, as MongoDB's serverStatus `metrics.queryExecutor.scannedObjects`. */
    static final java.util.concurrent.atomic.AtomicLong SCANNED = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The positions that can match `query`: those of the library's own index that answers it
     * exactly (its order), else the planner's candidates (in the collection's natural order);
     * null when nothing narrows it and the collection must be scanned.
     */
    static <P> List<P> positions(List<Index<P>> indexes, Document query, Document orderBy) {
        if (query == null || query.isEmpty()) return null;
        for (Index<P> index : indexes) {
            if (!(index instanceof OrderedIndex) && index.canHandle(query)) {
                List<P> exact = new ArrayList<>();
                index.getPositions(query).forEach(exact::add);
                return exact;
            }
        }
        if (orderBy != null && orderBy.containsKey("$natural")) return null;
        return candidates(indexes, query);
    }

    /** The planner: a superset of the positions matching `query` in natural order, or null. */
    static <P> List<P> candidates(List<Index<P>> indexes, Document query) {
        Collection<P> found = null;
        Condition id = query.containsKey("_id") ? Condition.of(query.get("_id")) : null;
        if (id != null && id.isPoints()) {
            for (Index<P> index : indexes) {
                if (index instanceof AbstractUniqueIndex && index.getName().equals("_id_")) {
                    found = pointLookups(index, List.of("_id"), List.of(id.points()));
                    break;
                }
            }
        }
        if (found == null) found = uniqueLookup(indexes, query);
        if (found == null) {
            OrderedIndex<P> best = null;
            int bestScore = 0;
            for (Index<P> index : indexes) {
                if (!(index instanceof OrderedIndex<P> ordered) || ordered.isBroken()) continue;
                int score = ordered.score(query);
                if (score > bestScore) {
                    best = ordered;
                    bestScore = score;
                }
            }
            if (best != null) found = best.candidates(query);
        }
        if (found == null) return null;
        List<P> sorted = new ArrayList<>(new java.util.HashSet<>(found));
        sorted.sort(ValueComparator.asc()::compare);
        return sorted;
    }

    /** A unique index whose every key the query fixes to one or a few values. */
    private static <P> Collection<P> uniqueLookup(List<Index<P>> indexes, Document query) {
        for (Index<P> index : indexes) {
            if (!(index instanceof AbstractUniqueIndex) || index.getName().equals("_id_")) continue;
            List<String> keys = index.getKeys().stream().map(IndexKey::getKey).toList();
            List<List<Object>> values = new ArrayList<>();
            for (String key : keys) {
                Condition condition = query.containsKey(key) ? Condition.of(query.get(key)) : null;
                if (condition == null || !condition.isPoints()) break;
                values.add(condition.points());
            }
            if (values.size() == keys.size() && combinations(values) <= MAX_POINTS) return pointLookups(index, keys, values);
        }
        return null;
    }

    private static long combinations(List<List<Object>> values) {
        long n = 1;
        for (List<Object> each : values) n *= each.size();
        return n;
    }

    private static <P> Collection<P> pointLookups(Index<P> index, List<String> keys, List<List<Object>> values) {
        List<P> positions = new ArrayList<>();
        for (List<Object> point : product(values)) {
            Document exact = new Document();
            for (int i = 0; i < keys.size(); i++) exact.put(keys.get(i), point.get(i));
            for (P position : index.getPositions(exact)) if (position != null) positions.add(position);
        }
        return positions;
    }

    static List<List<Object>> product(List<List<Object>> values) {
        List<List<Object>> result = new ArrayList<>();
        result.add(List.of());
        for (List<Object> choices : values) {
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> prefix : result) {
                for (Object choice : choices) {
                    List<Object> longer = new ArrayList<>(prefix);
                    longer.add(choice);
                    next.add(longer);
                }
            }
            result = next;
        }
        return result;
    }

    /**
     * The first batch of an aggregation starting with `$match`, computed from the documents the
     * planner finds for that `$match` instead of from every document (mongoose's countDocuments
     * is such an aggregation). The whole pipeline, `$match` included, still runs on them. Null
     * when the pipeline does not start with `$match` or does something else than read.
     */
    static Document aggregate(MongoDatabase database, DatabaseResolver resolver, Oplog oplog, String command, Document query) {
        if (!command.equalsIgnoreCase("aggregate") || query.containsKey("explain")) return null;
        if (!(query.get("pipeline") instanceof List<?> stages) || stages.isEmpty()) return null;
        if (!(stages.get(0) instanceof Document first) || !(first.get("$match") instanceof Document match)) return null;
        for (Object stage : stages) {
            if (!(stage instanceof Document each)) return null;
            for (String name : each.keySet()) if (Set.of("$out", "$merge", "$changeStream", "$lookup", "$graphLookup", "$unionWith").contains(name)) return null;
        }
        if (!(query.get(command) instanceof String collectionName)) return null;
        MongoCollection<?> collection = database.resolveCollection(collectionName, false);
        if (!(collection instanceof Planned planned)) return null;
        @SuppressWarnings("unchecked")
        List<Document> pipeline = (List<Document>) stages;
        Aggregation aggregation = Aggregation.fromPipeline(pipeline, resolver, database, collection, oplog);
        aggregation.validate(query);
        List<Document> batch = aggregation.runStages(planned.matching(match));
        Document cursor = new Document();
        cursor.put("id", Long.valueOf(0));
        cursor.put("ns", database.getDatabaseName() + "." + collectionName);
        cursor.put("firstBatch", batch);
        Document response = new Document();
        response.put("cursor", cursor);
        response.put("ok", Double.valueOf(1.0));
        return response;
    }

    /** The collections whose queries go through the planner. */
    interface Planned {
        /** The documents matching `query`, found as a `find` would. */
        Stream<Document> matching(Document query);
    }

    // ---- the index ---------------------------------------------------------------------------

    /**
     * A non-unique index over the declared keys, in memory, ordered by BSON comparison. Each
     * document is one entry: its key values followed by its `_id` (which makes every entry's key
     * unique), mapped to its position. That keeps an index at one skip-list node per document,
     * with no set per key and no map from id to position beside it: under the delivery bench
     * those sets and maps were most of the old generation the JVM's young collections had to
     * scan. Documents whose indexed fields hold an array (or pass through one) are kept aside by
     * id and returned with every lookup, so an answer never misses them. Writes come one at a
     * time (the library's collections synchronize them); reads may run beside them
     * (mongo-java-server does not lock `count`), hence the concurrent maps.
     */
    static final class OrderedIndex<P> extends Index<P> {
        private final NavigableMap<Object[], P> entries = new ConcurrentSkipListMap<>(KEY_ORDER);
        private final Map<Object, P> unindexed = new ConcurrentHashMap<>();
        private final List<String> keyNames;
        /** Each key's dotted path, split once here rather than on every write. */
        private final String[][] keyPaths;
        private final AtomicLong count = new AtomicLong();
        private volatile boolean broken;

        OrderedIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.keyNames = keys.stream().map(IndexKey::getKey).toList();
            this.keyPaths = keyNames.stream().map(key -> key.split("\\.")).toArray(String[][]::new);
        }

        boolean isBroken() { return broken; }

        /** The entry's key of `document` (its key values, then `id`), or null when a field is (inside) an array. */
        private Object[] entryOf(Document document, Object id) {
            Object[] key = new Object[keyPaths.length + 1];
            for (int i = 0; i < keyPaths.length; i++) {
                Object value = document;
                for (String part : keyPaths[i]) {
                    if (value instanceof Collection) return null;
                    value = value instanceof Document nested ? nested.get(part) : null;
                }
                if (value instanceof Collection) return null;
                key[i] = Missing.isNullOrMissing(value) ? null : value;
            }
            key[keyPaths.length] = id;
            return key;
        }

        private static Object idOf(Document document) {
            Object id = document.get("_id");
            return id instanceof Number number ? Double.valueOf(number.doubleValue()) : id;
        }

        @Override public P getPosition(Document document) { return null; }
        @Override public void checkAdd(Document document, MongoCollection<P> collection) { }
        @Override public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) { }

        @Override public void add(Document document, P position, MongoCollection<P> collection) {
            Object id = idOf(document);
            if (id == null) {
                broken = true; // cannot find it again to remove it: stop answering from this index
                return;
            }
            Object[] entry = entryOf(document, id);
            P before = entry == null ? unindexed.put(id, position) : entries.put(entry, position);
            if (before == null) count.incrementAndGet();
        }

        @Override public P remove(Document document) {
            Object id = idOf(document);
            if (id == null) return null;
            Object[] entry = entryOf(document, id);
            P position = entry == null ? unindexed.remove(id) : entries.remove(entry);
            if (position != null) count.decrementAndGet();
            return position;
        }

        /**
         * Most updates leave most indexes' keys as they were (a delivery's attempt changes its
         * status, not its subscription or creation time): those entries stay where they are.
         */
        @Override public void updateInPlace(Document oldDocument, Document newDocument, P position, MongoCollection<P> collection) {
            Object id = idOf(newDocument);
            if (id != null && id.equals(idOf(oldDocument))) {
                Object[] oldEntry = entryOf(oldDocument, id);
                Object[] newEntry = entryOf(newDocument, id);
                if (oldEntry != null && newEntry != null && KEY_ORDER.compare(oldEntry, newEntry) == 0
                        && position.equals(entries.get(oldEntry))) return;
            }
            remove(oldDocument);
            add(newDocument, position, collection);
        }

        /** Never chosen by the library's own loop (it would take any index first); the planner asks {@link #score}. */
        @Override public boolean canHandle(Document query) { return false; }

        @Override public Iterable<P> getPositions(Document query) {
            Collection<P> found = candidates(query);
            return found == null ? List.of() : found;
        }

        @Override public long getCount() { return count.get(); }
        @Override public boolean isEmpty() { return count.get() == 0; }
        @Override public long getDataSize() { return getCount(); }
        @Override public void drop() {
            entries.clear();
            unindexed.clear();
            count.set(0);
        }

        /** How much of this index the query uses: 2 per fixed leading key, 1 for a range after them; 0 = none. */
        int score(Document query) {
            int score = 0;
            for (String key : keyNames) {
                Condition condition = query.containsKey(key) ? Condition.of(query.get(key)) : null;
                if (condition == null) break;
                if (!condition.isPoints()) return score + 1;
                score += 2;
            }
            return score;
        }

        /** Every position the query can match (a superset), or null if the index cannot narrow it. */
        Collection<P> candidates(Document query) {
            List<List<Object>> points = new ArrayList<>();
            Condition range = null;
            for (String key : keyNames) {
                Condition condition = query.containsKey(key) ? Condition.of(query.get(key)) : null;
                if (condition == null) break;
                if (!condition.isPoints()) {
                    range = condition;
                    break;
                }
                List<List<Object>> longer = new ArrayList<>(points);
                longer.add(condition.points());
                if (combinations(longer) > MAX_POINTS) break;
                points = longer;
            }
            if (points.isEmpty() && range == null) return null;
            List<P> found = new ArrayList<>(unindexed.values());
            int width = keyNames.size() + 1; // the id always follows the keys
            for (List<Object> prefix : product(points)) {
                Object[] from = new Object[width], to = new Object[width];
                int fixed = prefix.size();
                for (int i = 0; i < width; i++) {
                    from[i] = i < fixed ? prefix.get(i) : LOW;
                    to[i] = i < fixed ? prefix.get(i) : HIGH;
                }
                if (range != null) {
                    from[fixed] = range.lower();
                    to[fixed] = range.upper();
                    // An exclusive bound steps over every entry holding the bound itself, whatever follows it.
                    if (!range.lowerInclusive()) for (int i = fixed + 1; i < width; i++) from[i] = HIGH;
                    if (!range.upperInclusive()) for (int i = fixed + 1; i < width; i++) to[i] = LOW;
                }
                if (KEY_ORDER.compare(from, to) > 0) continue; // an empty range
                found.addAll(entries.subMap(from, true, to, true).values());
            }
            return found;
        }
    }

    // ---- the backends ------------------------------------------------------------------------

    static final class IndexedMemoryDatabase extends MemoryDatabase {
        IndexedMemoryDatabase(String databaseName, CursorRegistry cursorRegistry) { super(databaseName, cursorRegistry); }

        @Override protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
            return new IndexedMemoryCollection(this, collectionName, options, cursorRegistry);
        }

        @Override protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            return new OrderedIndex<>(indexName, keys, sparse);
        }

        @Override public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
            Document answer = aggregate(this, resolver, oplog, command, query);
            return answer != null ? answer : super.handleCommand(channel, command, query, resolver, oplog);
        }
    }

    static final class IndexedMemoryCollection extends MemoryCollection implements Planned {
        IndexedMemoryCollection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, cursorRegistry);
        }

        @Override protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fieldSelector) {
            List<Integer> positions = positions(getIndexes(), query, orderBy);
            if (positions == null) {
                SCANNED.addAndGet(count());
                return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
            }
            SCANNED.addAndGet(positions.size());
            return matchDocuments(query, positions, orderBy, skip, limit, batchSize, fieldSelector);
        }

        @Override public synchronized Stream<Document> matching(Document query) {
            return StreamSupport.stream(queryDocuments(query, null, 0, 0, 0, null).spliterator(), false).toList().stream();
        }
    }

    static final class IndexedH2Backend extends H2Backend {
        IndexedH2Backend(MVStore store) { super(store); }

        @Override protected MongoDatabase openOrCreateDatabase(String databaseName) {
            return new Database(databaseName);
        }

        /** Inner, so that its collections can reach the store while H2Database's constructor opens them. */
        final class Database extends H2Database {
            Database(String databaseName) { super(databaseName, IndexedH2Backend.this.getMvStore(), IndexedH2Backend.this.getCursorRegistry()); }

            @Override protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
                // The map names H2Database uses ("databases." and "meta." + namespace), so files stay readable by it.
                String namespace = getFullCollectionNamespace(collectionName);
                MVStore store = IndexedH2Backend.this.getMvStore();
                MVMap<Object, Document> data = CompactStorage.open(store, "databases." + namespace);
                MVMap<String, Object> meta = CompactStorage.open(store, "meta." + namespace);
                return new IndexedH2Collection(this, collectionName, options, data, meta, cursorRegistry);
            }

            /** H2Database's map name for the index (so its dropIndex finds it), in CompactStorage's types. */
            @Override protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
                MVMap<KeyValue, Object> map = CompactStorage.open(IndexedH2Backend.this.getMvStore(), getFullCollectionNamespace(collectionName) + "._index_" + indexName);
                return new CompactStorage.UniqueIndex(map, indexName, keys, sparse);
            }

            @Override protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
                return new OrderedIndex<>(indexName, keys, sparse);
            }

            @Override public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
                Document answer = aggregate(this, resolver, oplog, command, query);
                return answer != null ? answer : super.handleCommand(channel, command, query, resolver, oplog);
            }
        }
    }

    static final class IndexedH2Collection extends H2Collection implements Planned {
        IndexedH2Collection(MongoDatabase database, String collectionName, CollectionOptions options, MVMap<Object, Document> data, MVMap<String, Object> meta, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, data, meta, cursorRegistry);
        }

        @Override protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fieldSelector) {
            List<Object> positions = positions(getIndexes(), query, orderBy);
            if (positions == null) {
                SCANNED.addAndGet(count());
                return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
            }
            SCANNED.addAndGet(positions.size());
            return matchDocuments(query, positions, orderBy, skip, limit, batchSize, fieldSelector);
        }

        @Override public synchronized Stream<Document> matching(Document query) {
            return StreamSupport.stream(queryDocuments(query, null, 0, 0, 0, null).spliterator(), false).toList().stream();
        }

        /** The library changed the stored document in place: its kept BSON is out of date. */
        @Override protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
            CompactStorage.ENCODED.forget(newDocument);
            super.handleUpdate(position, oldDocument, newDocument);
        }
    }
}
