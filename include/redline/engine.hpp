// The screening engine: a rulebook, its layers (loaded and indexed once)
// and its configured checks. An Engine is immutable once built and shared by
// every thread; each thread screens through its own Engine::Worker.
//
//   redline::Engine engine("rulebook.yaml");       // throws RulebookError / LayerError
//   redline::Engine::Worker worker(engine);
//   redline::SiteResult r = worker.screen(app);    // never throws for a bad record
//   redline::render(r, redline::Lang::En);          // the words, in the language asked for
//
// A batch of applications goes through run_pipeline() (pipeline.hpp), which
// does the above on several threads and hands the results to sinks.
#pragma once

#include "redline/application.hpp"
#include "redline/finding.hpp"
#include "redline/lang.hpp"

#include <memory>
#include <string>
#include <vector>

class OGRSpatialReference;

namespace redline {

struct Rulebook;
class Check;
class Layer;
class LayerSet;

class Engine {
public:
    /// Loads the rulebook, configures every check (rulebook mistakes are
    /// reported before any layer is read), then loads and indexes the layers.
    /// Throws RulebookError / LayerError (exit 3). At most `threads` threads
    /// load the layers (0: every core; `--threads 1` means one).
    explicit Engine(const std::string& rulebook_path, unsigned threads = 0);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const Rulebook& rulebook() const;
    const LayerSet& layers() const;
    /// COVERAGE first (when the rulebook has one), then the rulebook's, in order.
    const std::vector<std::unique_ptr<Check>>& checks() const;
    /// Problems found while loading that do not stop it (unknown codes...).
    const std::vector<std::string>& warnings() const;
    /// The rulebook's `input_crs`.
    const OGRSpatialReference& input_srs() const;
    /// The layers that name a site's townships and control units (may be null).
    const Layer* township_layer() const;
    const Layer* unit_layer() const;

    /// Per-thread screening state (a GEOS context, this thread's prepared
    /// copies of the features it touched). Not thread-safe: one per thread.
    /// Must not outlive the Engine.
    class Worker {
    public:
        /// `keep_input_geometry`: fill SiteResult::input_geometry (the site
        /// as given, for JSON output); off saves a copy per site.
        explicit Worker(const Engine& engine, bool keep_input_geometry = true);
        ~Worker();
        Worker(const Worker&) = delete;
        Worker& operator=(const Worker&) = delete;

        /// Screens one application. Never throws for a bad record: the result
        /// is ERROR with its reason. The result is not rendered (render()).
        SiteResult screen(const Application& app);

        /// Wall time spent per stage of screen(), when timing is on (a CPU
        /// budget: meaningful with one thread per core).
        struct Timings {
            double prepare = 0;          ///< industry, geometry: parse, check, reproject, to GEOS
            std::vector<double> checks;  ///< per check, in Engine::checks() order
            double zones = 0;            ///< townships and control units
        };
        void enable_timings();
        const Timings& timings() const;

    private:
        void screen_site(const Application& app, SiteResult& r);
        struct State;
        const Engine& m_engine;
        std::unique_ptr<State> m_state;
    };

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Writes the words of a screened result in `lang`: every finding's
/// `detail` (by the check that made it), the site's `error` and `message`.
/// Cheap next to screening; may be called again in another language. The
/// Engine that screened `r` must still exist.
void render(SiteResult& r, Lang lang);

} // namespace redline
