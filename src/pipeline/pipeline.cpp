// run_pipeline(): read | screen and render on the lanes | write on the sink
// threads. See pipeline.hpp for the contract and stages.hpp for the parts.
#include "redline/pipeline.hpp"

#include "redline/check.hpp"

#include "io/coord_audit.hpp"
#include "pipeline/run_info.hpp"
#include "pipeline/stages.hpp"
#include "util/text.hpp"

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace redline {

namespace pipeline {

void name_this_thread(const char* name)
{
    pthread_setname_np(pthread_self(), name);
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

/// Screens and renders every application of `c` on the lanes (the calling
/// thread is the first lane). GEOS prepared geometries are per thread, so
/// each lane keeps its own copies of the features it touches: to keep that
/// to about one copy in all, the chunk is sorted west to east and lanes 2k
/// and 2k+1 screen the k-th band of it from its two ends, meeting wherever
/// the work balances; a lane whose band is done helps the next one. Which
/// lane screens a site never changes its result.
using Clock = std::chrono::steady_clock;

double since(Clock::time_point& t)
{
    const Clock::time_point now = Clock::now();
    const double s = std::chrono::duration<double>(now - t).count();
    t = now;
    return s;
}

void screen_chunk(Lanes& lanes, Lanes& baseline, Chunk& c, const PipelineOptions& options,
                  double* render_seconds)
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
    if (lanes.size() == 1 || n < 2) {
        for (std::size_t i = 0; i < n && !cancelled(options); ++i)
            screen(0, i);
        return;
    }
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = position_hint(c.apps[i]);
        if (std::isnan(x[i]))
            x[i] = std::numeric_limits<double>::infinity();
    }
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&x](std::uint32_t a, std::uint32_t b) { return x[a] < x[b]; });
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
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < lanes.size(); ++t)
        pool.emplace_back([&work, t] {
            pipeline::name_this_thread("redline-screen");
            work(t);
        });
    work(0);
    for (auto& th : pool)
        th.join();
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

PipelineResult run_pipeline(const Engine& engine, ApplicationSource& source,
                            const std::vector<std::unique_ptr<ResultSink>>& sinks,
                            const PipelineOptions& options)
{
    const auto begun = std::chrono::steady_clock::now();
    SinkGuard guard(sinks);
    const SinkContext context{engine, source.info(), options.lang};
    bool keep_input = false;
    for (const auto& s : sinks) {
        s->begin(context);
        keep_input = keep_input || s->needs_input_geometry();
    }
    Bookkeeping book(engine, source);
    const unsigned threads = options.threads > 0 ? options.threads
                                                 : std::max(1u, std::thread::hardware_concurrency());
    book.result.threads = threads;
    const bool pipelined = threads > 1;
    Lanes lanes;
    Lanes baseline_lanes;
    for (unsigned t = 0; t < threads; ++t) {
        lanes.push_back(std::make_unique<Engine::Worker>(engine, keep_input));
        if (options.baseline)
            baseline_lanes.push_back(std::make_unique<Engine::Worker>(*options.baseline, keep_input));
    }
    if (options.profile)
        lanes.front()->enable_timings();
    double read_s = 0, render_s = 0, books_s = 0;
    std::vector<double> sink_s(sinks.size(), 0.0);
    std::vector<const ResultSink*> sink_order;
    for (const auto& s : sinks)
        sink_order.push_back(s.get());
    auto deliver = [](ResultSink* s, const Chunk& c, std::size_t i) {
        if (c.baseline.empty())
            s->write(c.results[i], c.apps[i]);
        else
            s->write_compared(c.baseline[i], c.results[i], c.apps[i]);
    };
    auto timed_write = [&](ResultSink* s, const Chunk& c, std::size_t i) {
        if (!options.profile)
            return deliver(s, c, i);
        Clock::time_point t = Clock::now();
        deliver(s, c, i);
        const std::size_t k = static_cast<std::size_t>(
            std::find(sink_order.begin(), sink_order.end(), s) - sink_order.begin());
        sink_s[k] += since(t);
    };

    // Pipelined, one thread writes the sinks that share it (and keeps the
    // books) and each sink that asks for one gets its own: this thread reads
    // chunk k+1 and the lanes screen it while the sinks write chunk k.
    std::vector<ResultSink*> shared, alone;
    for (const auto& s : sinks)
        (pipelined && s->own_thread() ? alone : shared).push_back(s.get());
    if (options.progress)
        options.progress(0.0, "");
    // Progress every 256 records written (a county's batch is one chunk).
    auto report = [&](std::size_t written) {
        if (options.progress && book.total && *book.total > 0)
            options.progress(std::min(1.0, static_cast<double>(written) / static_cast<double>(*book.total)), "");
    };
    auto write_shared = [&](const Chunk& c) {
        for (std::size_t i = 0; i < c.apps.size() && !cancelled(options); ++i) {
            for (ResultSink* s : shared)
                timed_write(s, c, i);
            Clock::time_point t = options.profile ? Clock::now() : Clock::time_point{};
            book.audit.add(c.apps[i]);
            book.summary.add(c.results[i], c.apps[i]);
            ++book.result.counts[c.results[i].verdict];
            if (const Finding* e = c.results[i].eia_finding())
                ++book.result.eia_counts[e->eia->category];
            book.result.worst = std::max(book.result.worst, c.results[i].verdict);
            if ((i + 1) % 256 == 0 && i + 1 < c.apps.size())
                report(book.result.records + i + 1);
            if (options.profile)
                books_s += since(t);
        }
        book.result.records += c.apps.size();
        report(book.result.records);
    };
    std::vector<std::unique_ptr<SinkThread>> writers;
    if (pipelined) {
        writers.push_back(std::make_unique<SinkThread>("redline-write", write_shared));
        for (ResultSink* s : alone)
            writers.push_back(std::make_unique<SinkThread>("redline-json", [&options, &timed_write, s](const Chunk& c) {
                for (std::size_t i = 0; i < c.apps.size() && !cancelled(options); ++i)
                    timed_write(s, c, i);
            }));
    }

    // Pipelined, the input is read ahead on its own thread, chunk k+1 while
    // the lanes screen chunk k.
    std::optional<pipeline::ReadAhead> ahead;
    if (pipelined)
        ahead.emplace([&source, &options] { return read_chunk(source, options.chunk_size); });
    while (!cancelled(options)) {
        Clock::time_point t = Clock::now();
        std::shared_ptr<Chunk> c = ahead ? ahead->next() : read_chunk(source, options.chunk_size);
        read_s += since(t);
        if (c->apps.empty())
            break;
        screen_chunk(lanes, baseline_lanes, *c, options, options.profile ? &render_s : nullptr);
        if (cancelled(options))
            break;
        if (!pipelined) {
            write_shared(*c);
            continue;
        }
        bool ok = true;
        for (auto& w : writers)
            ok = w->push(c) && ok;
        if (!ok)
            break; // a sink failed: finish() below says why
    }
    if (ahead) {
        ahead->stop();
        read_s = ahead->seconds(); // the reader's own time, not the lanes' wait for it
    }
    for (auto& w : writers)
        w->finish();
    const Engine::Worker::Timings lane_times =
        options.profile ? lanes.front()->timings() : Engine::Worker::Timings{};
    lanes.clear(); // their GEOS copies of the layers: not needed to close the outputs
    baseline_lanes.clear();
    if (cancelled(options))
        throw Cancelled(options.cancel->reason()); // the guard abandons every sink
    if (options.progress)
        options.progress(1.0, "");

    PipelineResult& result = book.result;
    result.warnings = input_warnings(source, book.audit, options.lang);
    const auto screened = std::chrono::steady_clock::now();
    RunFacts facts{options, result, &book.audit, seconds_between(options.started, screened)};
    const RunInfo info = build_run_info(engine, source.info(), facts);
    const RunSummary summary{book.summary, info};
    for (const auto& s : sinks)
        s->finish(summary);
    for (const auto& s : sinks)
        s->commit();
    guard.done();
    result.screening_seconds = seconds_between(begun, screened);
    result.closing_seconds = seconds_between(screened, std::chrono::steady_clock::now());
    if (options.profile) {
        result.budget.emplace_back("read", read_s);
        result.budget.emplace_back("prepare (industry, geometry)", lane_times.prepare);
        for (std::size_t k = 0; k < engine.checks().size() && k < lane_times.checks.size(); ++k)
            result.budget.emplace_back("check " + engine.checks()[k]->id() + " (" + engine.checks()[k]->type() + ")",
                                       lane_times.checks[k]);
        result.budget.emplace_back("zones (townships, units)", lane_times.zones);
        result.budget.emplace_back("render (words)", render_s);
        for (std::size_t k = 0; k < sinks.size(); ++k)
            result.budget.emplace_back("sink " + std::to_string(k + 1) + " writes", sink_s[k]);
        result.budget.emplace_back("zone summary, audit, counts", books_s);
        result.budget.emplace_back("close (finish, commit)", result.closing_seconds);
    }
    return result;
}

} // namespace redline
