// The screening engine: a rulebook, its layers (loaded and indexed once)
// and its configured checks. screen() turns one application into one
// SiteResult; it never throws for a bad record (the result is ERROR with
// its reason). Workers hold the per-thread state.
#pragma once

#include "redline/application.hpp"
#include "redline/check.hpp"
#include "redline/finding.hpp"
#include "redline/gdal.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/spatial.hpp"
#include "redline/workspace.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace redline {

class Engine {
public:
    struct Options {
        Lang lang = Lang::Zh;
        /// Keep each site's geometry as given, in its input CRS (for JSON output).
        bool keep_input_geometry = true;
    };

    /// Loads the rulebook, its tables and layers and configures every check.
    /// Throws RulebookError / LayerError (exit 3).
    Engine(const std::string& rulebook_path, Options options);
    ~Engine();

    const Rulebook& rulebook() const { return m_rulebook; }
    const LayerSet& layers() const { return *m_layers; }
    const std::vector<std::unique_ptr<Check>>& checks() const { return m_checks; }
    const std::vector<std::string>& warnings() const { return m_warnings; }
    const OGRSpatialReference& input_srs() const { return m_input_srs; }
    Lang lang() const { return m_options.lang; }

    /// Per-thread screening state. Not thread-safe; make one per thread.
    class Worker {
    public:
        explicit Worker(const Engine& engine);
        SiteResult screen(const Application& app);

    private:
        void screen_site(const Application& app, SiteResult& r);
        const Engine& m_engine;
        Workspace m_ws;
        OverlapMemo m_memo;
        gdal::TransformsTo m_transforms; ///< to the working CRS
    };

private:
    Options m_options;
    Rulebook m_rulebook;
    geos::Context m_load_ctx;
    std::unique_ptr<LayerSet> m_layers;
    std::vector<std::unique_ptr<Check>> m_checks; ///< COVERAGE first, then the rulebook's
    std::vector<std::string> m_warnings;
    OGRSpatialReference m_input_srs;
    const Layer* m_townships = nullptr;
    const Layer* m_units = nullptr;
};

/// The one-line verdict word in the run's language (通过 / PASS ...).
std::string verdict_word(Outcome verdict, Lang lang);

} // namespace redline
