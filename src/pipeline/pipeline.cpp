// run_pipeline(): read | screen and render on the lanes | write on the sink
// threads. See pipeline.hpp for the contract and stages.hpp for the parts.
#include "redline/pipeline.hpp"

#include "redline/check.hpp"

#include "geometry/hilbert.hpp"
#include "io/coord_audit.hpp"
#include "pipeline/run_info.hpp"
#include "pipeline/stages.hpp"
#include "util/text.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace redline {

namespace pipeline {

void name_this_thread(const char* name)
{
    pthread_setname_np(pthread_self(), name);
}

namespace {

/// Lowers the calling thread's priority by `levels` nice levels (Linux
/// gives each thread its own nice value; anyone may lower their own).
/// Best effort: a scheduling hint, never an error.
void lower_this_thread(int levels)
{
#ifdef __linux__
    const auto tid = static_cast<id_t>(::gettid());
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        ::setpriority(PRIO_PROCESS, tid, std::min(19, now + levels));
#else
    (void)levels;
#endif
}

} // namespace

LanePool::LanePool(std::size_t lanes)
{
    m_threads.reserve(lanes);
    try {
        for (std::size_t t = 0; t < lanes; ++t)
            m_threads.emplace_back([this, t] { loop(t); });
    } catch (...) { // no thread to be had: stop those started, then say so
        stop();
        throw;
    }
}

LanePool::~LanePool()
{
    stop();
}

void LanePool::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    for (auto& th : m_threads)
        if (th.joinable())
            th.join();
}

void LanePool::run(const Job& job)
{
    std::unique_lock lock(m_mutex);
    m_job = &job;
    m_busy = m_threads.size();
    m_error = nullptr;
    ++m_round;
    m_changed.notify_all();
    m_changed.wait(lock, [&] { return m_busy == 0; });
    m_job = nullptr;
    if (m_error)
        std::rethrow_exception(std::exchange(m_error, nullptr));
}

void LanePool::loop(std::size_t lane)
{
    name_this_thread("redline-screen");
    lower_this_thread(3);
    std::uint64_t done = 0;
    for (;;) {
        const Job* job = nullptr;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] { return m_stopping || m_round != done; });
            if (m_stopping)
                return;
            done = m_round;
            job = m_job;
        }
        std::exception_ptr error;
        try {
            (*job)(lane);
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard lock(m_mutex);
        if (error && !m_error)
            m_error = error;
        if (--m_busy == 0)
            m_changed.notify_all();
    }
}

} // namespace pipeline

namespace {

using pipeline::Chunk;
using pipeline::ChunkPtr;
using pipeline::SinkThread;
using pipeline::TwoEndedRange;
using Lanes = std::vector<std::unique_ptr<Engine::Worker>>;

bool cancelled(const PipelineOptions& o)
{
    return o.cancel && o.cancel->cancelled();
}

/// Abandons every sink unless the run got as far as committing them.
class SinkGuard {
public:
    explicit SinkGuard(const std::vector<std::unique_ptr<ResultSink>>& sinks) : m_sinks(sinks) {}
    SinkGuard(const SinkGuard&) = delete;
    SinkGuard& operator=(const SinkGuard&) = delete;
    ~SinkGuard()
    {
        if (!m_done)
            for (const auto& s : m_sinks)
                s->abandon();
    }
    void done() { m_done = true; }

private:
    const std::vector<std::unique_ptr<ResultSink>>& m_sinks;
    bool m_done = false;
};

/// The order in which the sites of a chunk are screened: along the Hilbert
/// curve through the first points of their geometries (as given), so that
/// sites screened one after the other lie near each other and the features,
/// grid cells and index bands they ask for are still in the cache (a chunk
/// in input order jumps across the province from site to site). Sites
/// without a position come last, in input order. Only the order of work:
/// each site's result is its own.
std::vector<std::uint32_t> screening_order(const std::vector<Application>& apps)
{
    const std::size_t n = apps.size();
    std::vector<PositionHint> at(n);
    double minx = std::numeric_limits<double>::infinity(), miny = minx;
    double maxx = -minx, maxy = -minx;
    for (std::size_t i = 0; i < n; ++i) {
        at[i] = position_hint(apps[i]);
        if (!std::isfinite(at[i].x) || !std::isfinite(at[i].y))
            continue;
        minx = std::min(minx, at[i].x);
        maxx = std::max(maxx, at[i].x);
        miny = std::min(miny, at[i].y);
        maxy = std::max(maxy, at[i].y);
    }
    const double w = maxx - minx, h = maxy - miny;
    // (position on the curve, input position); a site without a position
    // is put past the curve's last cell (2^32 - 1).
    std::vector<std::pair<std::uint64_t, std::uint32_t>> key(n);
    for (std::size_t i = 0; i < n; ++i) {
        const bool known = std::isfinite(at[i].x) && std::isfinite(at[i].y);
        key[i] = {known ? hilbert(hilbert_cell(at[i].x, minx, w), hilbert_cell(at[i].y, miny, h)) : 1ull << 32,
                  static_cast<std::uint32_t>(i)};
    }
    std::sort(key.begin(), key.end());
    std::vector<std::uint32_t> order(n);
    for (std::size_t i = 0; i < n; ++i)
        order[i] = key[i].second;
    return order;
}

/// Screens and renders every application of `c` on the lanes (on the
/// calling thread when there is one lane, else on `pool`'s threads), in
/// screening_order(). GEOS prepared geometries are per thread, so each lane
/// keeps its own copies of the features it touches: to keep that to about
/// one copy in all, lanes 2k and 2k+1 screen the k-th band of that order
/// from its two ends, meeting wherever the work balances; a lane whose band
/// is done helps the next one. Which lane screens a site never changes its
/// result.
using Clock = std::chrono::steady_clock;

double since(Clock::time_point& t)
{
    const Clock::time_point now = Clock::now();
    const double s = std::chrono::duration<double>(now - t).count();
    t = now;
    return s;
}

void screen_chunk(Lanes& lanes, Lanes& baseline, pipeline::LanePool* pool, Chunk& c,
                  const PipelineOptions& options, double* render_seconds)
{
    const std::size_t n = c.apps.size();
    c.results.assign(n, SiteResult{});
    c.baseline.assign(baseline.empty() ? 0 : n, SiteResult{});
    auto screen = [&](std::size_t lane, std::size_t i) {
        if (!baseline.empty()) { // the same lane, so results never depend on the thread count
            c.baseline[i] = baseline[lane]->screen(c.apps[i]);
            render(c.baseline[i], options.lang);
        }
        c.results[i] = lanes[lane]->screen(c.apps[i]);
        if (render_seconds && lane == 0) {
            Clock::time_point t = Clock::now();
            render(c.results[i], options.lang);
            *render_seconds += since(t);
            return;
        }
        render(c.results[i], options.lang);
    };
    const std::vector<std::uint32_t> order = screening_order(c.apps);
    if (!pool || n < 2) {
        for (std::size_t i = 0; i < n && !cancelled(options); ++i)
            screen(0, order[i]);
        return;
    }
    const std::size_t bands = (lanes.size() + 1) / 2;
    std::vector<TwoEndedRange> band(bands);
    for (std::size_t k = 0; k < bands; ++k)
        band[k].reset(static_cast<std::uint32_t>(n * k / bands),
                      static_cast<std::uint32_t>(n * (k + 1) / bands));
    auto work = [&](std::size_t t) {
        const bool from_back = t % 2 == 1;
        for (std::size_t step = 0; step < bands; ++step)
            while (auto pos = band[(t / 2 + step) % bands].take(from_back)) {
                if (cancelled(options))
                    return;
                screen(t, order[*pos]);
            }
    };
    pool->run(work);
}

/// What the sinks' thread keeps besides writing them: the counts, the zone
/// summary, the coordinate audit and the progress.
struct Bookkeeping {
    Bookkeeping(const Engine& engine, const ApplicationSource& source)
        : summary(engine), audit(engine, source.info().datum), total(source.count())
    {
    }
    ZoneSummary summary;
    CoordinateAudit audit;
    std::optional<std::size_t> total;
    PipelineResult result;
};

/// Reads the next chunk of at most `size` records; empty at the end.
std::shared_ptr<Chunk> read_chunk(ApplicationSource& source, std::size_t size)
{
    auto c = std::make_shared<Chunk>();
    c->apps.reserve(size);
    while (c->apps.size() < size) {
        Application a;
        if (!source.next(a))
            break;
        c->apps.push_back(std::move(a));
    }
    return c;
}

/// The input's warnings: the source's notes, then what only the whole input
/// shows, then suspicious coordinates.
std::vector<std::string> input_warnings(const ApplicationSource& source, const CoordinateAudit& audit,
                                        Lang lang)
{
    std::vector<std::string> out = source.info().notes;
    for (auto& n : source.closing_notes())
        out.push_back(std::move(n));
    for (const auto& w : audit.warnings(lang))
        out.push_back("applications: " + w);
    return out;
}

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

} // namespace

namespace {

/// One run_pipeline() call: the lanes, the sink threads, the books and the
/// time each stage took, each step a method.
class Run {
public:
    Run(const Engine& engine, ApplicationSource& source, const std::vector<std::unique_ptr<ResultSink>>& sinks,
        const PipelineOptions& options)
        : m_engine(engine), m_source(source), m_sinks(sinks), m_options(options), m_book(engine, source),
          m_sink_s(sinks.size(), 0.0)
    {
        const unsigned threads = options.threads > 0 ? options.threads
                                                     : std::max(1u, std::thread::hardware_concurrency());
        m_book.result.threads = threads;
        m_pipelined = threads > 1;
        for (const auto& s : sinks)
            m_sink_order.push_back(s.get());
    }

    /// Begins every sink and makes the lanes (one Engine::Worker a thread).
    void begin()
    {
        const SinkContext context{m_engine, m_source.info(), m_options.lang, m_book.result.threads};
        bool keep_input = false;
        for (const auto& s : m_sinks) {
            s->begin(context);
            keep_input = keep_input || s->needs_input_geometry();
        }
        for (unsigned t = 0; t < m_book.result.threads; ++t) {
            m_lanes.push_back(std::make_unique<Engine::Worker>(m_engine, keep_input));
            if (m_options.baseline)
                m_baseline.push_back(std::make_unique<Engine::Worker>(*m_options.baseline, keep_input));
        }
        if (m_options.profile)
            m_lanes.front()->enable_timings();
        if (m_lanes.size() > 1)
            m_pool = std::make_unique<pipeline::LanePool>(m_lanes.size());
    }

    /// Reads, screens and writes every record (or until cancelled).
    void screen_all()
    {
        start_writers();
        // Pipelined, the input is read ahead on its own thread, chunk k+1
        // while the lanes screen chunk k.
        std::optional<pipeline::ReadAhead> ahead;
        if (m_pipelined)
            ahead.emplace([this] { return read_chunk(m_source, m_options.chunk_size); });
        while (!cancelled(m_options)) {
            Clock::time_point t = Clock::now();
            std::shared_ptr<Chunk> c = ahead ? ahead->next() : read_chunk(m_source, m_options.chunk_size);
            m_read_s += since(t);
            if (c->apps.empty())
                break;
            screen_chunk(m_lanes, m_baseline, m_pool.get(), *c, m_options, m_options.profile ? &m_render_s : nullptr);
            if (cancelled(m_options))
                break;
            if (!m_pipelined) {
                write_shared(*c);
                continue;
            }
            bool ok = true;
            for (auto& w : m_writers)
                ok = w->push(c) && ok;
            if (!ok)
                break; // a sink failed: finish() below says why
        }
        if (ahead) {
            ahead->stop();
            m_read_s = ahead->seconds(); // the reader's own time, not the lanes' wait for it
        }
        for (auto& w : m_writers)
            w->finish();
        if (m_options.profile)
            m_lane_times = m_lanes.front()->timings();
        m_pool.reset();
        m_lanes.clear(); // their GEOS copies of the layers: not needed to close the outputs
        m_baseline.clear();
    }

    /// Finishes and commits every sink; the result, with the budget when profiled.
    PipelineResult finish(std::chrono::steady_clock::time_point begun)
    {
        PipelineResult& result = m_book.result;
        result.warnings = input_warnings(m_source, m_book.audit, m_options.lang);
        const auto screened = std::chrono::steady_clock::now();
        RunFacts facts{m_options, result, &m_book.audit, seconds_between(m_options.started, screened)};
        const RunInfo info = build_run_info(m_engine, m_source.info(), facts);
        const RunSummary summary{m_book.summary, info};
        for (const auto& s : m_sinks)
            s->finish(summary);
        for (const auto& s : m_sinks)
            s->commit();
        result.screening_seconds = seconds_between(begun, screened);
        result.closing_seconds = seconds_between(screened, std::chrono::steady_clock::now());
        if (m_options.profile)
            fill_budget(result);
        return result;
    }

private:
    void deliver(ResultSink* s, const Chunk& c, std::size_t i)
    {
        if (c.baseline.empty())
            s->write(c.results[i], c.apps[i]);
        else
            s->write_compared(c.baseline[i], c.results[i], c.apps[i]);
    }

    void timed_write(ResultSink* s, const Chunk& c, std::size_t i)
    {
        if (!m_options.profile)
            return deliver(s, c, i);
        Clock::time_point t = Clock::now();
        deliver(s, c, i);
        const auto k = static_cast<std::size_t>(std::find(m_sink_order.begin(), m_sink_order.end(), s) -
                                                m_sink_order.begin());
        m_sink_s[k] += since(t);
    }

    /// Pipelined, one thread writes the sinks that share it (and keeps the
    /// books) and each sink that asks for one gets its own.
    void start_writers()
    {
        for (const auto& s : m_sinks)
            (m_pipelined && s->own_thread() ? m_alone : m_shared).push_back(s.get());
        if (m_options.progress)
            m_options.progress(0.0, "");
        if (!m_pipelined)
            return;
        m_writers.push_back(std::make_unique<SinkThread>("redline-write", [this](const Chunk& c) { write_shared(c); }));
        for (ResultSink* s : m_alone)
            m_writers.push_back(std::make_unique<SinkThread>("redline-json", [this, s](const Chunk& c) {
                for (std::size_t i = 0; i < c.apps.size() && !cancelled(m_options); ++i)
                    timed_write(s, c, i);
            }));
    }

    /// Progress every 256 records written (a county's batch is one chunk).
    void report(std::size_t written) const
    {
        if (m_options.progress && m_book.total && *m_book.total > 0)
            m_options.progress(std::min(1.0, static_cast<double>(written) / static_cast<double>(*m_book.total)), "");
    }

    void write_shared(const Chunk& c)
    {
        for (std::size_t i = 0; i < c.apps.size() && !cancelled(m_options); ++i) {
            for (ResultSink* s : m_shared)
                timed_write(s, c, i);
            Clock::time_point t = m_options.profile ? Clock::now() : Clock::time_point{};
            keep_books(c, i);
            if ((i + 1) % 256 == 0 && i + 1 < c.apps.size())
                report(m_book.result.records + i + 1);
            if (m_options.profile)
                m_books_s += since(t);
        }
        m_book.result.records += c.apps.size();
        report(m_book.result.records);
    }

    void keep_books(const Chunk& c, std::size_t i)
    {
        const SiteResult& r = c.results[i];
        m_book.audit.add(c.apps[i]);
        m_book.summary.add(r, c.apps[i]);
        ++m_book.result.counts[r.verdict];
        if (const Finding* e = r.eia_finding())
            ++m_book.result.eia_counts[e->eia->category];
        m_book.result.worst = std::max(m_book.result.worst, r.verdict);
    }

    void fill_budget(PipelineResult& result) const
    {
        const Engine::Worker::Timings& lane = m_lane_times;
        result.budget.emplace_back("read", m_read_s);
        result.budget.emplace_back("prepare (industry, geometry)", lane.prepare);
        for (std::size_t k = 0; k < m_engine.checks().size() && k < lane.checks.size(); ++k)
            result.budget.emplace_back("check " + m_engine.checks()[k]->id() + " (" + m_engine.checks()[k]->type() + ")",
                                       lane.checks[k]);
        result.budget.emplace_back("zones (townships, units)", lane.zones);
        result.budget.emplace_back("render (words)", m_render_s);
        for (std::size_t k = 0; k < m_sinks.size(); ++k)
            result.budget.emplace_back("sink " + std::to_string(k + 1) + " writes", m_sink_s[k]);
        result.budget.emplace_back("zone summary, audit, counts", m_books_s);
        result.budget.emplace_back("close (finish, commit)", result.closing_seconds);
    }

    const Engine& m_engine;
    ApplicationSource& m_source;
    const std::vector<std::unique_ptr<ResultSink>>& m_sinks;
    const PipelineOptions& m_options;
    Bookkeeping m_book;
    bool m_pipelined = false;
    Lanes m_lanes;
    Lanes m_baseline;
    std::unique_ptr<pipeline::LanePool> m_pool; ///< from two lanes on
    std::vector<ResultSink*> m_shared, m_alone;
    std::vector<const ResultSink*> m_sink_order;
    double m_read_s = 0, m_render_s = 0, m_books_s = 0;
    std::vector<double> m_sink_s;
    Engine::Worker::Timings m_lane_times;
    std::vector<std::unique_ptr<SinkThread>> m_writers; // last: stopped first when a run unwinds
};

} // namespace

PipelineResult run_pipeline(const Engine& engine, ApplicationSource& source,
                            const std::vector<std::unique_ptr<ResultSink>>& sinks,
                            const PipelineOptions& options)
{
    const auto begun = std::chrono::steady_clock::now();
    SinkGuard guard(sinks);
    Run run(engine, source, sinks, options);
    run.begin();
    run.screen_all();
    if (cancelled(options))
        throw Cancelled(options.cancel->reason()); // the guard abandons every sink
    if (options.progress)
        options.progress(1.0, "");
    PipelineResult result = run.finish(begun);
    guard.done();
    return result;
}

} // namespace redline
