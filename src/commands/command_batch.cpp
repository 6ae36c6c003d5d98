// redline batch RULEBOOK APPLICATIONS -o OUT.gpkg [--json F] [--csv F] ...
#include "commands.hpp"

#include "redline/coord_audit.hpp"
#include "redline/engine.hpp"
#include "redline/error.hpp"
#include "redline/input.hpp"
#include "redline/interrupt.hpp"
#include "redline/output.hpp"
#include "redline/text.hpp"
#include "redline/version.hpp"

#include <cpl_progress.h>
#include <geos_c.h>
#include <proj.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <filesystem>
#include <chrono>
#include <ctime>
#include <iostream>
#include <pthread.h>
#include <thread>
#include <unistd.h>

namespace redline::commands {

namespace {

/// A chunk of applications and their results on their way through the pipeline.
struct Chunk {
    std::vector<Application> apps;
    std::vector<SiteResult> results;
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

    /// Queues a chunk (waits while two are queued); false once the sink failed.
    bool push(ChunkPtr c)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_aborted || m_chunks.size() < 2; });
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
        pthread_setname_np(pthread_self(), name);
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

std::string now_utc()
{
    std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

class BatchCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("rulebook", m_rulebook, "rulebook YAML")->required();
        app.add_option("applications", m_applications,
                       "applications: any GDAL vector source, or CSV with wkt or lon/lat")
            ->required();
        app.add_option("-o,--output", m_output.path, "output dataset (GeoPackage by default)")
            ->required();
        app.add_option("-f,--format", m_output.format, "GDAL vector driver of the output");
        app.add_option("--json", m_output.json, "also write one JSON object per site");
        app.add_option("--csv", m_output.csv, "also write the sites table as CSV");
        app.add_option("--report", m_output.report,
                       "also write a self-contained HTML report (A4; --lang en for English)");
        app.add_option("--threads", m_threads,
                       "threads that screen (default: every core); with 2 or more, the outputs "
                       "are written on threads of their own while they screen")
            ->check(CLI::Range(1, 1024));
        app.add_option("--id-field", m_input.id_field, "application id field (default id)");
        app.add_option("--industry-field", m_input.industry_field,
                       "industry code field (default industry)");
        app.add_option("--name-field", m_input.name_field, "name field (default name)");
        app.add_option("--crs", m_input.crs, "CRS of the applications' coordinates");
        app.add_option("--layer", m_input.layer, "layer of a multi-layer applications source");
        app.add_option("--coords", m_coords,
                       "datum of lon/lat input: wgs84 (default; also CGCS2000), gcj02 (AMap, Tencent) "
                       "or bd09 (Baidu), converted to WGS84/CGCS2000 with the public formulas")
            ->check(CLI::IsMember({"wgs84", "cgcs2000", "gcj02", "bd09"}, CLI::ignore_case));
        app.add_option("--encoding", m_input.encoding,
                       "text encoding of a CSV or shapefile: UTF-8, GBK, GB18030... "
                       "(default: UTF-8, or GB18030 when the bytes are not UTF-8)");
        app.add_flag("--with-context", m_output.with_context,
                     "also write the rulebook's layers clipped to the sites (ctx_<layer>)");
        app.add_option("--fail-on", m_fail_on,
                       "exit 1 when a verdict is this or worse: FAIL, INCOMPLETE, CONDITIONAL");
    }

    int run(const GlobalOptions& global) override
    {
        check_fail_on(m_fail_on);
        if (!m_coords.empty())
            m_input.datum = *coords::parse_datum(m_coords);
        install_interrupt_handlers();
        const auto started = std::chrono::steady_clock::now();
        const std::string started_at = now_utc();
        Engine::Options engine_options;
        engine_options.lang = global.language();
        engine_options.keep_input_geometry = !m_output.json.empty();
        Engine engine(m_rulebook, engine_options);
        const auto loaded = std::chrono::steady_clock::now();
        if (!global.quiet)
            for (const auto& w : engine.warnings())
                std::cerr << "redline: warning: " << w << "\n";

        ApplicationReader reader(m_applications, m_input);
        if (m_input.datum != coords::Datum::Wgs84) {
            const OGRSpatialReference& from = reader.srs() ? *reader.srs() : engine.input_srs();
            if (!from.IsGeographic())
                throw UsageError("--coords " + coords::datum_name(m_input.datum) +
                                 " needs geographic (lon/lat) coordinates; the applications are in " +
                                 gdal::srs_label(from));
        }
        std::vector<std::string> input_warnings = reader.notes();
        CoordinateAudit audit(engine, m_input.datum);
        OutputOptions out = m_output;
        out.field_names = reader.field_names();
        out.field_types = reader.field_types();
        out.input_srs = reader.srs();
        OutputSet outputs(engine, out);
        ZoneSummary summary(engine);

        // --threads is the number of screening threads, the "lanes". With
        // one, everything runs in turn on this thread; with more, the outputs
        // are written on threads of their own (the JSON file on one,
        // everything else on another), sharing the cores with the lanes.
        // (Measured on 2 cores with JSON: 2 lanes + 2 writers beat 1 lane +
        // 2 writers by ~20 %, 3 lanes were slower again.)
        const unsigned threads = m_threads > 0 ? static_cast<unsigned>(m_threads)
                                               : std::max(1u, std::thread::hardware_concurrency());
        const bool pipelined = threads > 1;
        std::vector<std::unique_ptr<Engine::Worker>> lanes;
        for (unsigned t = 0; t < threads; ++t)
            lanes.push_back(std::make_unique<Engine::Worker>(engine));

        const bool progress = !global.quiet && ::isatty(STDOUT_FILENO);
        const auto total = reader.count();
        if (progress)
            GDALTermProgress(0.0, nullptr, nullptr);

        std::map<Outcome, std::size_t> counts;
        Outcome worst = Outcome::Pass;
        std::size_t done = 0;
        auto write_chunk = [&](const Chunk& c) {
            for (std::size_t i = 0; i < c.apps.size() && !interrupted(); ++i) {
                audit.add(c.apps[i]);
                outputs.write(c.results[i], c.apps[i]);
                summary.add(c.results[i], c.apps[i]);
                ++counts[c.results[i].verdict];
                worst = std::max(worst, c.results[i].verdict);
            }
            done += c.apps.size();
            if (progress && total && *total > 0)
                GDALTermProgress(static_cast<double>(done) / static_cast<double>(*total), nullptr,
                                 nullptr);
        };
        auto write_json = [&](const Chunk& c) {
            for (std::size_t i = 0; i < c.apps.size() && !interrupted(); ++i)
                outputs.write_json(c.results[i], c.apps[i]);
        };

        // Pipelined, the stages overlap: this thread reads chunk k+1 and the
        // lanes screen it while the sinks write chunk k. Each sink takes the
        // chunks in input order, so outputs never depend on the number of threads.
        std::vector<std::unique_ptr<SinkThread>> sinks;
        if (pipelined) {
            sinks.push_back(std::make_unique<SinkThread>("redline-write", write_chunk));
            if (outputs.has_json())
                sinks.push_back(std::make_unique<SinkThread>("redline-json", write_json));
        }

        const std::size_t chunk_size = 4096;
        bool more = true;
        while (more && !interrupted()) {
            auto c = std::make_shared<Chunk>();
            c->apps.reserve(chunk_size);
            while (c->apps.size() < chunk_size) {
                Application a;
                if (!reader.next(a)) {
                    more = false;
                    break;
                }
                c->apps.push_back(std::move(a));
            }
            if (c->apps.empty())
                break;
            screen_chunk(lanes, *c);
            if (interrupted())
                break;
            if (!pipelined) {
                write_chunk(*c);
                write_json(*c);
                continue;
            }
            bool ok = true;
            for (auto& sink : sinks)
                ok = sink->push(c) && ok;
            if (!ok)
                break; // a sink failed: finish() below says why
        }
        for (auto& sink : sinks)
            sink->finish();
        lanes.clear(); // their GEOS copies of the layers: not needed to close the outputs
        if (int sig = interrupted()) {
            if (progress)
                std::cout << "\n";
            throw Interrupted(sig); // unwinding removes every temporary output
        }
        if (progress)
            GDALTermProgress(1.0, nullptr, nullptr);
        if (reader.duplicate_count() > 0)
            input_warnings.push_back("applications: " + std::to_string(reader.duplicate_count()) +
                                     " records repeat an earlier id (all kept and screened; e.g. " +
                                     join(reader.duplicate_ids(), ", ") + ")");
        for (const auto& w : audit.warnings(global.language()))
            input_warnings.push_back("applications: " + w);
        if (!global.quiet)
            for (const auto& w : input_warnings)
                std::cerr << "redline: warning: " << w << "\n";

        const auto screened = std::chrono::steady_clock::now();
        auto secs = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
        const double seconds = secs(started, screened);
        RunInfo info;
        info.emplace_back("tool", "redline");
        info.emplace_back("version", REDLINE_VERSION);
        info.emplace_back("command", "batch");
        info.emplace_back("rulebook", engine.rulebook().path);
        info.emplace_back("rulebook_name", engine.rulebook().name);
        info.emplace_back("rulebook_version", engine.rulebook().version);
        info.emplace_back("rulebook_sha256", engine.rulebook().sha256);
        if (!engine.rulebook().industry_classes_path.empty())
            info.emplace_back("file." + engine.rulebook().industry_classes_path + ".sha256",
                              sha256_file(engine.rulebook().industry_classes_path));
        for (const auto& c : engine.checks())
            for (const auto& f : c->files())
                info.emplace_back("file." + f + ".sha256", sha256_file(f));
        info.emplace_back("working_crs", engine.rulebook().working_crs);
        info.emplace_back("input_crs", m_input.crs.empty() ? engine.rulebook().input_crs : m_input.crs);
        info.emplace_back("applications", m_applications);
        info.emplace_back("applications_modified", file_modified_utc(m_applications));
        info.emplace_back("records", std::to_string(done));
        info.emplace_back("id_field", m_input.id_field);
        info.emplace_back("industry_field", m_input.industry_field);
        info.emplace_back("lang", global.lang);
        info.emplace_back("gdal", GDALVersionInfo("RELEASE_NAME"));
        info.emplace_back("geos", GEOSversion());
        info.emplace_back("proj", std::to_string(PROJ_VERSION_MAJOR) + "." +
                                      std::to_string(PROJ_VERSION_MINOR) + "." +
                                      std::to_string(PROJ_VERSION_PATCH));
        // Only when there is something to say, so that clean runs keep the
        // same run_info.
        if (m_input.datum != coords::Datum::Wgs84)
            info.emplace_back("coords", coords::datum_name(m_input.datum));
        if (!reader.encoding().empty() && reader.encoding() != "UTF-8")
            info.emplace_back("encoding", reader.encoding());
        if (m_input.datum != coords::Datum::Wgs84 || !audit.warnings(Lang::En).empty())
            for (auto& kv : audit.run_info())
                info.push_back(std::move(kv));
        for (std::size_t i = 0; i < input_warnings.size(); ++i)
            info.emplace_back("warning." + std::to_string(i + 1), input_warnings[i]);
        for (Outcome o : {Outcome::Pass, Outcome::Conditional, Outcome::Incomplete, Outcome::Fail,
                          Outcome::Error})
            info.emplace_back("count_" + to_lower_ascii(outcome_name(o)), std::to_string(counts[o]));
        info.emplace_back("threads", std::to_string(threads));
        for (const auto& l : engine.layers().all()) {
            const std::string p = "layer." + l->name() + ".";
            info.emplace_back(p + "source", l->def().source +
                                                (l->def().layer.empty() ? "" : "|layername=" + l->def().layer));
            info.emplace_back(p + "features", std::to_string(l->size()));
            info.emplace_back(p + "crs", l->source_crs());
            info.emplace_back(p + "modified", l->modified());
            info.emplace_back(p + "repaired", std::to_string(l->repaired_count()));
        }
        info.emplace_back("started", started_at);
        info.emplace_back("finished", now_utc());
        info.emplace_back("seconds", format_number(seconds, 3));
        outputs.finish(summary, info);
        const auto finished = std::chrono::steady_clock::now();

        if (!global.quiet) {
            std::cout << "redline: " << done << " applications screened in "
                      << format_number(secs(started, finished), 2) << " s (" << threads
                      << " threads; layers " << format_number(secs(started, loaded), 2)
                      << " s, screening and writing " << format_number(secs(loaded, screened), 2)
                      << " s, closing the outputs " << format_number(secs(screened, finished), 2)
                      << " s)\n";
            for (Outcome o : {Outcome::Pass, Outcome::Conditional, Outcome::Incomplete,
                              Outcome::Fail, Outcome::Error}) {
                std::string name(outcome_name(o));
                name.resize(12, ' ');
                std::cout << "  " << name << counts[o] << "\n";
            }
            std::cout << "wrote " << join(outputs.paths(), ", ") << "\n";
        }
        return fail_on_status(m_fail_on, worst);
    }

private:
    /// Screens every application of `c` on the lanes (the calling thread is
    /// the first lane). GEOS prepared geometries are per thread, so each lane
    /// keeps its own copies of the features it touches: to keep that to about
    /// one copy in all, the chunk is sorted west to east and lanes 2k and
    /// 2k+1 screen the k-th band of it from its two ends, meeting wherever
    /// the work balances; a lane whose band is done helps the next one.
    /// Which lane screens a site never changes its result.
    static void screen_chunk(std::vector<std::unique_ptr<Engine::Worker>>& lanes, Chunk& c)
    {
        const std::size_t n = c.apps.size();
        c.results.assign(n, SiteResult{});
        if (lanes.size() == 1 || n < 2) {
            for (std::size_t i = 0; i < n && !interrupted(); ++i)
                c.results[i] = lanes.front()->screen(c.apps[i]);
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
                    if (interrupted())
                        return;
                    const std::uint32_t i = order[*pos];
                    c.results[i] = lanes[t]->screen(c.apps[i]);
                }
        };
        std::vector<std::thread> pool;
        for (std::size_t t = 1; t < lanes.size(); ++t)
            pool.emplace_back([&work, t] {
                pthread_setname_np(pthread_self(), "redline-screen");
                work(t);
            });
        work(0);
        for (auto& th : pool)
            th.join();
    }

    std::string m_rulebook;
    std::string m_applications;
    OutputOptions m_output;
    InputOptions m_input;
    int m_threads = 0;
    std::string m_fail_on;
    std::string m_coords;
};

} // namespace

std::unique_ptr<Command> make_batch_command()
{
    return std::make_unique<BatchCommand>();
}

} // namespace redline::commands
