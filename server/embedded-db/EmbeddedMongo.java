import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.h2.mvstore.MVStore;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NebulaHex's embedded database: mongo-java-server on a loopback port, started by the Node
 * server (server/src/db/java-server.ts) and the test run.
 *
 * <pre>
 * java EmbeddedMongo --backend memory|h2 [--file PATH] [--durability commit|fsync|interval]
 *                    [--host 127.0.0.1] [--port 0] [--lock-wait-ms 10000]
 * </pre>
 *
 * Prints "listening PORT" once it accepts connections. It lives exactly as long as its
 * parent: the parent holds our stdin open, and when it closes (the parent exited, however it
 * died) we stop. With the h2 backend, a write is committed to the file before its reply is
 * sent (grouped across concurrent writers), so an acknowledged write survives a SIGKILL of
 * this process; "fsync" also forces it to the disk (survives a power cut); "interval" leaves
 * it to H2's own commit once a second (fastest; the last second can be lost).
 */
public final class EmbeddedMongo {

    /** The Node driver (6.x+) refuses servers below wire version 9 (MongoDB 4.4). */
    static final MongoVersion MONGO_4_4 = new MongoVersion() {
        @Override public List<Integer> getVersionArray() { return List.of(4, 4, 0); }
        @Override public int getWireVersion() { return 9; }
    };

    static final int IO_THREADS = 64;

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        MongoBackend stored = options.backend.equals("memory") ? SecondaryIndexes.memory() : openDurable(options);
        MongoBackend backend = new ScanStatsBackend(new SchemaGuardBackend(stored));
        backend.version(MONGO_4_4);
        MongoServer server = new MongoServer(backend);
        // A reply waits for its commit on the I/O thread that serves its connection: with a
        // thread per connection (the server's pool is a few dozen) waiting writers block no one
        // else and join the same commit, instead of queueing behind netty's 2 x cores threads.
        server.bind(new InetSocketAddress(options.host, options.port), 1, IO_THREADS);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "shutdown"));
        System.out.println("listening " + server.getLocalAddress().getPort());
        System.out.flush();
        waitForParentToGo(System.in);
        System.exit(0);
    }

    /** Returns when stdin reaches its end: our parent closed it or died. */
    static void waitForParentToGo(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) != -1) {
                // The parent never writes; anything it sends is ignored.
            }
        } catch (IOException ignored) {
            // A broken pipe means the same: the parent is gone.
        }
    }

    /** A quarter of the heap (-Xmx, EMBEDDED_DB_MAX_HEAP) for H2's page cache, at most 256 MB. */
    static int pageCacheMb() {
        return (int) Math.max(16, Math.min(256, Runtime.getRuntime().maxMemory() / 4 / (1024 * 1024)));
    }

    static MongoBackend openDurable(Options options) throws InterruptedException {
        if (options.file == null) throw new IllegalArgumentException("--backend h2 needs --file PATH");
        long deadline = System.currentTimeMillis() + options.lockWaitMs;
        while (true) {
            try {
                // H2's default page cache is 16 MB: once the file outgrows it, every update re-reads and
                // deserializes the pages it touches. Sized to the data a busy server works on instead.
                MVStore store = new MVStore.Builder().fileName(options.file).cacheSize(pageCacheMb()).open();
                H2Backend h2 = SecondaryIndexes.h2(store);
                return options.durability.equals("interval") ? h2 : new GroupCommitBackend(h2, options.durability.equals("fsync"));
            } catch (RuntimeException error) {
                // H2 locks its file; a database that is still stopping (its parent just died)
                // releases it within moments. Anything else, or a lock that stays, is fatal.
                boolean locked = String.valueOf(error.getMessage()).contains("locked");
                if (!locked) throw error;
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("in use: the database file " + options.file + " is locked by another running database process");
                    System.exit(3);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Passes every call on to `delegate`; subclasses add to the few they care about. */
    abstract static class DelegatingBackend implements MongoBackend {
        final MongoBackend delegate;

        DelegatingBackend(MongoBackend delegate) { this.delegate = delegate; }

        /** The command's name (its first key), lower-cased; "" for an empty document. */
        static String commandName(Document command) {
            return command.isEmpty() ? "" : command.keySet().iterator().next().toLowerCase();
        }

        @Override public Document handleMessage(MongoMessage message) { return delegate.handleMessage(message); }
        @Override public Document handleCommand(Channel channel, String database, String command, Document query) { return delegate.handleCommand(channel, database, command, query); }
        @Override public void dropDatabase(String database) { delegate.dropDatabase(database); }
        @Override public QueryResult handleQuery(MongoQuery query) { return delegate.handleQuery(query); }
        @Override public void handleClose(Channel channel) { delegate.handleClose(channel); }
        @Override public Collection<Document> getCurrentOperations(MongoQuery query) { return delegate.getCurrentOperations(query); }
        @Override public Document getServerStatus() { return delegate.getServerStatus(); }
        @Override public void close() { delegate.close(); }
        @Override public void closeCursors(List<Long> cursorIds) { delegate.closeCursors(cursorIds); }
        @Override public Clock getClock() { return delegate.getClock(); }
        @Override public void enableOplog() { delegate.enableOplog(); }
        @Override public void disableOplog() { delegate.disableOplog(); }
        @Override public MongoDatabase resolveDatabase(String database) { return delegate.resolveDatabase(database); }
        @Override public MongoBackend version(MongoVersion version) { delegate.version(version); return this; }
    }

    /**
     * Adds MongoDB's `metrics.queryExecutor.scannedObjects` (documents read to answer queries,
     * counted by {@link SecondaryIndexes}) to `serverStatus`, so the bench and the tests can see
     * what a query costs on any MongoDB.
     */
    static final class ScanStatsBackend extends DelegatingBackend {
        ScanStatsBackend(MongoBackend delegate) { super(delegate); }

        private static Document withScans(Document command, Document reply) {
            if (!commandName(command).equals("serverstatus") || reply == null) return reply;
            Document queryExecutor = new Document("scannedObjects", SecondaryIndexes.SCANNED.get());
            reply.put("metrics", new Document("queryExecutor", queryExecutor));
            return reply;
        }

        @Override public Document handleMessage(MongoMessage message) {
            return withScans(message.getDocument(), delegate.handleMessage(message));
        }

        @Override public Document handleCommand(Channel channel, String database, String command, Document query) {
            return withScans(query, delegate.handleCommand(channel, database, command, query));
        }
    }

    /**
     * mongo-java-server does not isolate schema changes from data commands. Measured: a
     * createIndex racing inserts into a new collection failed an insert with a server error
     * (4 of 300 fresh collections), and an index built while documents arrive may miss them (not shown).
     * So commands that change the schema (create, drop, index changes) and the first command
     * to a new database or the first write to a new collection run alone (a write lock);
     * everything else runs side by side under the read lock. Schema changes are rare (start-up,
     * tests), so the exclusive path costs nothing in steady state.
     */
    static final class SchemaGuardBackend extends DelegatingBackend {
        private static final Set<String> SCHEMA = Set.of("create", "createindexes", "dropindexes", "drop", "dropdatabase", "renamecollection");
        private static final Set<String> MAY_CREATE = Set.of("insert", "update", "findandmodify");
        /** Databases and `database.collection` namespaces known to exist. */
        private final Set<String> existing = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.locks.ReentrantReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();

        SchemaGuardBackend(MongoBackend delegate) { super(delegate); }

        private Document guarded(String database, Document command, java.util.function.Supplier<Document> run) {
            String name = commandName(command);
            String namespace = database + "." + command.get(name);
            boolean exclusive = SCHEMA.contains(name) || !existing.contains(database) || (MAY_CREATE.contains(name) && !existing.contains(namespace));
            java.util.concurrent.locks.Lock held = exclusive ? lock.writeLock() : lock.readLock();
            held.lock();
            try {
                Document result = run.get();
                if (exclusive) remember(database, name, namespace);
                return result;
            } finally {
                held.unlock();
            }
        }

        private void remember(String database, String name, String namespace) {
            if (name.equals("dropdatabase")) {
                forget(database);
                return;
            }
            existing.add(database);
            if (name.equals("drop")) existing.remove(namespace);
            else if (SCHEMA.contains(name) || MAY_CREATE.contains(name)) existing.add(namespace);
        }

        private void forget(String database) {
            existing.removeIf(known -> known.equals(database) || known.startsWith(database + "."));
        }

        @Override public Document handleMessage(MongoMessage message) {
            return guarded(message.getDatabaseName(), message.getDocument(), () -> delegate.handleMessage(message));
        }

        @Override public Document handleCommand(Channel channel, String database, String command, Document query) {
            return guarded(database, query, () -> delegate.handleCommand(channel, database, command, query));
        }

        @Override public void dropDatabase(String database) {
            lock.writeLock().lock();
            try {
                forget(database);
                delegate.dropDatabase(database);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /**
     * Commits the H2 store before a write's reply goes out. Writers that finish while a
     * commit is running share the next one, so N concurrent writes cost about one commit, not N.
     */
    static final class GroupCommitBackend extends DelegatingBackend {
        /** Commands that never change data: their replies need no commit. */
        private static final Set<String> READS = Set.of(
            "find", "getmore", "count", "distinct", "aggregate", "listcollections", "listindexes", "listdatabases",
            "ping", "hello", "ismaster", "buildinfo", "serverstatus", "dbstats", "collstats", "getlasterror",
            "endsessions", "killcursors", "getparameter", "getcmdlineopts", "hostinfo", "whatsmyuri", "connectionstatus");

        private final H2Backend store;
        private final boolean fsync;
        private final AtomicLong writesDone = new AtomicLong();
        private final Object commitLock = new Object();
        private long committedUpTo;

        GroupCommitBackend(H2Backend store, boolean fsync) {
            super(store);
            this.store = store;
            this.fsync = fsync;
        }

        private static boolean isRead(Document command) {
            String name = commandName(command);
            if (name.isEmpty()) return true;
            if (!name.equals("aggregate")) return READS.contains(name);
            // $out and $merge make an aggregation a write.
            return !String.valueOf(command.get("pipeline")).matches("(?s).*\\$(out|merge).*");
        }

        /** Returns once a commit that started after this caller's write has finished. */
        private void commitCovering() {
            long mine = writesDone.incrementAndGet();
            synchronized (commitLock) {
                if (committedUpTo >= mine) return;
                long upTo = writesDone.get();
                store.getMvStore().commit();
                if (fsync) store.getMvStore().sync();
                committedUpTo = upTo;
            }
        }

        @Override public Document handleMessage(MongoMessage message) {
            try {
                return delegate.handleMessage(message);
            } finally {
                if (!isRead(message.getDocument())) commitCovering();
            }
        }

        @Override public Document handleCommand(Channel channel, String database, String command, Document query) {
            try {
                return delegate.handleCommand(channel, database, command, query);
            } finally {
                if (!isRead(query)) commitCovering();
            }
        }

        @Override public void dropDatabase(String database) {
            delegate.dropDatabase(database);
            commitCovering();
        }

    }

    record Options(String backend, String file, String host, int port, String durability, long lockWaitMs) {
        static Options parse(String[] args) {
            String backend = "memory", file = null, host = "127.0.0.1";
            int port = 0;
            String durability = "commit";
            long lockWaitMs = 10_000;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--backend" -> backend = args[++i];
                    case "--file" -> file = args[++i];
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--durability" -> durability = args[++i];
                    case "--lock-wait-ms" -> lockWaitMs = Long.parseLong(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (!backend.equals("memory") && !backend.equals("h2")) throw new IllegalArgumentException("--backend is memory or h2");
            if (!Set.of("commit", "fsync", "interval").contains(durability)) throw new IllegalArgumentException("--durability is commit, fsync or interval");
            return new Options(backend, file, host, port, durability, lockWaitMs);
        }
    }
}
