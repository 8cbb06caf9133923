package io.vmnetd.daemon.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A fixed set of threads with a bounded queue in three lanes, taken in this order: the watchdog's probe (which asks
 * only "does a worker free up?"), root's calls, then everyone else's. Non-root callers may fill at most half the
 * queue and run on at most half the threads at once, so a socket-group member cannot crowd out the shim (root) however
 * many calls it makes; when the queue is full {@link #trySubmit} says so at once and the caller answers "busy" rather
 * than wait.
 */
final class WorkerPool {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class.getName());

    private final String name;
    private final int capacity;
    private final int nonRootCapacity;
    private final int nonRootThreads;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<Runnable> probes = new ArrayDeque<>();
    private final ArrayDeque<Runnable> root = new ArrayDeque<>();
    private final ArrayDeque<Runnable> others = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    private int running;
    private int runningNonRoot;
    private boolean shutdown;

    WorkerPool(String name, int threadCount, int capacity) {
        this.name = name;
        this.capacity = capacity;
        this.nonRootCapacity = Math.max(1, capacity / 2);
        this.nonRootThreads = Math.max(1, threadCount / 2);
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::work, name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** Queues {@code task}; false, at once, when this caller's share of the queue is full or the pool is shut. */
    boolean trySubmit(Runnable task, boolean byRoot) {
        lock.lock();
        try {
            if (shutdown || root.size() + others.size() >= capacity || !byRoot && others.size() >= nonRootCapacity) {
                return false;
            }
            (byRoot ? root : others).add(byRoot ? task : new NonRoot(task));
            work.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code task} on the next worker to free up, ahead of every queued call; for the watchdog's probe only. */
    boolean submitProbe(Runnable task) {
        lock.lock();
        try {
            if (shutdown || !probes.isEmpty()) {
                return false;
            }
            probes.add(task);
            work.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** "N calls running, M waiting", for a busy answer. */
    String load() {
        lock.lock();
        try {
            return running + " calls running and " + (root.size() + others.size()) + " waiting";
        } finally {
            lock.unlock();
        }
    }

    String name() {
        return name;
    }

    /** Takes no more calls; those queued still run. */
    void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for queued and running calls to finish; false if some are still running after {@code timeout}. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (running > 0 || !probes.isEmpty() || !root.isEmpty() || !others.isEmpty()) {
                if (left <= 0) {
                    return false;
                }
                left = idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is queued and interrupts what runs. */
    void shutdownNow() {
        lock.lock();
        try {
            shutdown = true;
            probes.clear();
            root.clear();
            others.clear();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        threads.forEach(Thread::interrupt);
    }

    private void work() {
        while (true) {
            Runnable task;
            lock.lock();
            try {
                while ((task = next()) == null) {
                    if (shutdown) {
                        return;
                    }
                    try {
                        work.await();
                    } catch (InterruptedException e) {
                        if (shutdown) {
                            return;
                        }
                    }
                }
                running++;
                if (task instanceof NonRoot) {
                    runningNonRoot++;
                }
            } finally {
                lock.unlock();
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, name + ": a task failed", e);
            } finally {
                lock.lock();
                try {
                    running--;
                    if (task instanceof NonRoot) {
                        runningNonRoot--;
                        work.signal(); // a waiting non-root call may go now
                    }
                    idle.signalAll();
                } finally {
                    lock.unlock();
                }
                Thread.interrupted(); // an interrupt meant for the task must not end the worker
            }
        }
    }

    private Runnable next() {
        Runnable task = probes.poll();
        if (task == null) {
            task = root.poll();
        }
        if (task == null && runningNonRoot < nonRootThreads) {
            task = others.poll();
        }
        return task;
    }

    /** Marks a non-root caller's task, counted against its share of the threads. */
    private record NonRoot(Runnable task) implements Runnable {
        @Override
        public void run() {
            task.run();
        }
    }
}
