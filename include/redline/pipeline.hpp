// Screening a source of applications into sinks: the one path that `batch`,
// `check`, a server and every new command share.
//
//   redline::Engine engine("rulebook.yaml");
//   auto source = redline::open_applications("apps.csv", {});
//   std::vector<std::unique_ptr<redline::ResultSink>> sinks;
//   sinks.push_back(redline::make_gdal_sink("out.gpkg"));
//   redline::PipelineResult r = redline::run_pipeline(engine, *source, sinks, {});
//
// The source is read in chunks; each chunk is screened and rendered on the
// screening threads, then handed to every sink in input order, so outputs
// never depend on the number of threads. Every input record reaches every
// sink exactly once (a bad record as an ERROR row).
#pragma once

#include "redline/engine.hpp"
#include "redline/error.hpp"
#include "redline/sink.hpp"
#include "redline/source.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace redline {

/// Asks a running pipeline to stop. cancel() is async-signal-safe (a
/// lock-free atomic store), so a signal handler may call it.
class CancelToken {
public:
    void cancel(int reason = 1) noexcept { m_reason.store(reason, std::memory_order_relaxed); }
    /// 0 while not cancelled, else the reason given (a signal number...).
    int reason() const noexcept { return m_reason.load(std::memory_order_relaxed); }
    bool cancelled() const noexcept { return reason() != 0; }

private:
    std::atomic<int> m_reason{0};
    static_assert(std::atomic<int>::is_always_lock_free);
};

/// Thrown by run_pipeline() when cancelled; every sink has been abandoned.
class Cancelled : public Error {
public:
    explicit Cancelled(int reason) : Error("cancelled"), m_reason(reason) {}
    int reason() const { return m_reason; }

private:
    int m_reason;
};

/// Progress, GDAL style: the fraction done (0..1) and what is going on.
/// Called from the thread that writes the sinks.
using ProgressFn = std::function<void(double fraction, const std::string& message)>;

struct PipelineOptions {
    /// Screening threads; 0 = one per core. At 1 everything runs in turn on
    /// the calling thread; from 2 on, the sinks are written on threads of
    /// their own while the next chunk is screened.
    unsigned threads = 0;
    Lang lang = Lang::Zh;     ///< the language results are rendered in
    std::size_t chunk_size = 4096;
    ProgressFn progress;      ///< may be empty
    const CancelToken* cancel = nullptr; ///< may be null
    std::string command = "batch"; ///< run_info `command`
    /// Time every stage (PipelineResult::budget): a CPU budget when
    /// `threads` is 1 (the stages then run in turn on one thread).
    bool profile = false;
    /// When the run started (run_info `started` and `seconds` count from
    /// here; a command sets it before loading the engine).
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::chrono::system_clock::time_point started_utc = std::chrono::system_clock::now();
    /// Also screen every record under this engine (`redline diff`: the old
    /// rulebook; null = no). Each lane then screens a record under both
    /// engines in turn, and every sink gets
    /// ResultSink::write_compared(baseline result, result, application);
    /// counts, zone summary and run_info stay the main engine's. Must
    /// outlive the run.
    const Engine* baseline = nullptr;
};

struct PipelineResult {
    std::size_t records = 0;
    std::map<Outcome, std::size_t> counts; ///< sites by verdict
    /// Sites by EIA category (报告书...UNKNOWN), with an eia_category check.
    std::map<std::string, std::size_t> eia_counts;
    Outcome worst = Outcome::Pass;
    unsigned threads = 1;
    /// About the input (the source's notes, repeated ids, suspicious
    /// coordinates): also in run_info as warning.N.
    std::vector<std::string> warnings;
    double screening_seconds = 0; ///< reading, screening and writing
    double closing_seconds = 0;   ///< finishing and committing the sinks
    /// With PipelineOptions::profile: (stage, seconds) in pipeline order —
    /// read, prepare (industry, geometry), each check by id, zones, render,
    /// each sink's writes (sink 1, 2...), bookkeeping, close.
    std::vector<std::pair<std::string, double>> budget;
};

/// Screens every record of `source` with `engine` into `sinks`. Throws
/// Cancelled when `options.cancel` fires, OutputError when a sink fails; in
/// both cases every sink is abandoned first.
PipelineResult run_pipeline(const Engine& engine, ApplicationSource& source,
                            const std::vector<std::unique_ptr<ResultSink>>& sinks,
                            const PipelineOptions& options);

} // namespace redline
