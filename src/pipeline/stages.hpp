// Internal: the stages of run_pipeline() (pipeline.cpp): chunks, the lanes'
// two-ended ranges and the sink threads.
#pragma once

#include "redline/application.hpp"
#include "redline/finding.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace redline::pipeline {

/// Names the calling thread (seen in top, perf and gdb).
void name_this_thread(const char* name);

/// A chunk of applications and their results on their way through the pipeline.
struct Chunk {
    std::vector<Application> apps;
    std::vector<SiteResult> results;
    std::vector<SiteResult> baseline; ///< under PipelineOptions::baseline (empty without one)
};
using ChunkPtr = std::shared_ptr<const Chunk>;


/// Positions [begin, end) handed out from both ends -- one lane takes from
/// the front, another from the back -- each exactly once.
class TwoEndedRange {
public:
    void reset(std::uint32_t begin, std::uint32_t end) { m_ends.store(pack(begin, end)); }
    std::optional<std::uint32_t> take(bool from_back)
    {
        std::uint64_t cur = m_ends.load();
        for (;;) {
            const auto front = static_cast<std::uint32_t>(cur >> 32);
            const auto back = static_cast<std::uint32_t>(cur);
            if (front >= back)
                return std::nullopt;
            const std::uint64_t next = from_back ? pack(front, back - 1) : pack(front + 1, back);
            if (m_ends.compare_exchange_weak(cur, next))
                return from_back ? back - 1 : front;
        }
    }

private:
    static std::uint64_t pack(std::uint32_t front, std::uint32_t back)
    {
        return (static_cast<std::uint64_t>(front) << 32) | back;
    }
    std::atomic<std::uint64_t> m_ends{0};
};

/// The screening threads of a pipelined run, started once and kept for
/// every chunk: run(job) has each lane t call job(t) and returns when all
/// have, rethrowing the first exception a lane threw. The lanes run three
/// nice levels below the caller and the sink and reader threads: those are
/// the serial stages, and on a machine with as many cores as lanes a writer
/// that has to share a core with the lanes falls behind, fills its queue and
/// leaves a core idle while the lanes wait for it (on two cores the lanes
/// waited ~0.6 s a province run before; results never depend on it).
class LanePool {
public:
    using Job = std::function<void(std::size_t lane)>;
    explicit LanePool(std::size_t lanes);
    LanePool(const LanePool&) = delete;
    LanePool& operator=(const LanePool&) = delete;
    ~LanePool();

    std::size_t size() const { return m_threads.size(); }
    void run(const Job& job);

private:
    void loop(std::size_t lane);
    void stop(); ///< stops and joins every lane

    std::mutex m_mutex;
    std::condition_variable m_changed;
    const Job* m_job = nullptr;
    std::uint64_t m_round = 0;  ///< bumped for every job
    std::size_t m_busy = 0;     ///< lanes still on this round's job
    bool m_stopping = false;
    std::exception_ptr m_error; ///< this round's first
    std::vector<std::thread> m_threads; // last: started once everything above exists
};

/// One output stage on its own thread: takes screened chunks in input order
/// from a bounded queue and hands each to `write`. finish() waits for the
/// queue to drain and rethrows what `write` threw; destruction (e.g. while an
/// exception unwinds) stops the thread without draining.
class SinkThread {
public:
    SinkThread(const char* name, std::function<void(const Chunk&)> write)
        : m_write(std::move(write)), m_thread([this, name] { run(name); })
    {
    }
    SinkThread(const SinkThread&) = delete;
    SinkThread& operator=(const SinkThread&) = delete;
    ~SinkThread()
    {
        if (m_thread.joinable()) {
            stop(true);
            m_thread.join();
        }
    }

    /// Queues a chunk (waits while `depth` are queued); false once the sink failed.
    bool push(ChunkPtr c)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_aborted || m_chunks.size() < depth; });
        if (m_aborted)
            return false;
        m_chunks.push_back(std::move(c));
        m_changed.notify_all();
        return true;
    }

    void finish()
    {
        stop(false);
        m_thread.join();
        if (m_error)
            std::rethrow_exception(m_error);
    }

    /// Chunks that may wait for the sink: enough to ride out a stretch of
    /// records that are quick to screen and slow to write (points with many
    /// findings), few enough to keep memory flat (~10 MB a chunk).
    static constexpr std::size_t depth = 4;

private:
    void stop(bool abort)
    {
        std::lock_guard lock(m_mutex);
        (abort ? m_aborted : m_closed) = true;
        m_changed.notify_all();
    }

    ChunkPtr pop()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_aborted || m_closed || !m_chunks.empty(); });
        if (m_aborted || m_chunks.empty())
            return nullptr;
        ChunkPtr c = std::move(m_chunks.front());
        m_chunks.pop_front();
        m_changed.notify_all();
        return c;
    }

    void run(const char* name)
    {
        name_this_thread(name);
        try {
            while (ChunkPtr c = pop())
                m_write(*c);
        } catch (...) {
            m_error = std::current_exception();
            stop(true);
        }
    }

    std::function<void(const Chunk&)> m_write;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<ChunkPtr> m_chunks;
    bool m_closed = false;
    bool m_aborted = false;
    std::exception_ptr m_error;
    std::thread m_thread; // last: starts once everything above exists
};

/// Reads chunks ahead on a thread of its own (pipelined runs), so the lanes
/// screen chunk k while chunk k+1 is read: next() hands them over in input
/// order (at most two waiting), an empty chunk at the end, and rethrows what
/// the source threw. Destruction stops the thread (after the chunk it is
/// reading). Only this thread touches the source while it runs.
class ReadAhead {
public:
    using Read = std::function<std::shared_ptr<Chunk>()>;
    explicit ReadAhead(Read read) : m_read(std::move(read)), m_thread([this] { run(); }) {}
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;
    ~ReadAhead() { stop(); }

    std::shared_ptr<Chunk> next()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_error || !m_chunks.empty(); });
        if (m_chunks.empty())
            std::rethrow_exception(m_error); // the chunks read before it went first
        std::shared_ptr<Chunk> c = std::move(m_chunks.front());
        m_chunks.pop_front();
        m_changed.notify_all();
        return c;
    }

    /// Stops and joins the thread; then seconds() is the time spent reading.
    void stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopped = true;
            m_changed.notify_all();
        }
        if (m_thread.joinable())
            m_thread.join();
    }
    double seconds() const { return m_seconds; }

private:
    void run()
    {
        name_this_thread("redline-read");
        try {
            for (;;) {
                const auto t = std::chrono::steady_clock::now();
                std::shared_ptr<Chunk> c = m_read();
                m_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
                const bool last = c->apps.empty();
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [&] { return m_stopped || m_chunks.size() < 2; });
                if (m_stopped)
                    return;
                m_chunks.push_back(std::move(c));
                m_changed.notify_all();
                if (last)
                    return;
            }
        } catch (...) {
            std::lock_guard lock(m_mutex);
            m_error = std::current_exception();
            m_changed.notify_all();
        }
    }

    Read m_read;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::shared_ptr<Chunk>> m_chunks;
    bool m_stopped = false;
    std::exception_ptr m_error;
    double m_seconds = 0;
    std::thread m_thread; // last: starts once everything above exists
};

} // namespace redline::pipeline
