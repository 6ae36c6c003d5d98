// The `--report FILE.html` writer: one self-contained HTML file (inline CSS
// and SVG, no network) that a bureau can print on A4 and file. It is fed the
// same per-site stream as the other outputs and keeps only what the report
// shows: counts, one table row per site (up to a limit) and one rendered
// section per non-PASS site (up to a limit), so memory is bounded whatever
// the size of the batch.
#pragma once

#include "redline/application.hpp"
#include "redline/engine.hpp"
#include "redline/finding.hpp"
#include "redline/sink.hpp"
#include "redline/words.hpp"

#include <cstddef>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace redline {

struct ReportLimits {
    /// Sections (map + findings) for at most this many non-PASS sites, in input order.
    std::size_t sections = 500;
    /// The sites table lists every site up to this many records; after that,
    /// only non-PASS sites ...
    std::size_t table_all = 20000;
    /// ... and never more than this many rows in all.
    std::size_t table_rows = 50000;
};


/// Draws a site's map as inline SVG in the working CRS: the constraint
/// features its findings name, the evidence, the site, a scale bar in metres
/// and a north arrow. Caches a key -> features index per layer, so one
/// SiteMap serves a whole batch; not thread-safe.
class SiteMap {
public:
    SiteMap(const Engine& engine, Lang lang) : m_engine(engine), m_lang(lang) {}
    /// The `<svg>` element, or "" when the site has no geometry (ERROR).
    std::string svg(const SiteResult& r);

private:
    const std::vector<std::size_t>& features_by_key(const Layer& layer, const std::string& key);
    const Engine& m_engine;
    Lang m_lang;
    std::map<const Layer*, std::unordered_map<std::string, std::vector<std::size_t>>> m_keys;
};

/// What the verdicts mean when the records are existing enterprises
/// (--layer-input), as one paragraph of plain text.
std::string existing_enterprises_note(Lang lang);

class ReportWriter final : public ResultSink {
public:
    /// Writes `path` (the temporary name write_into_place() renames).
    explicit ReportWriter(std::string path, ReportLimits limits = {});
    ~ReportWriter() override;
    /// Creates the file; throws OutputError.
    void begin(const SinkContext& context) override;
    void write(const SiteResult& r, const Application& app) override;
    /// Writes the whole document and closes it; throws OutputError.
    void finish(const RunSummary& summary) override;
    void abandon() noexcept override { m_out.close(); }

private:
    struct RuleCount {
        std::string check_type;
        std::string clause;
        std::map<Outcome, std::size_t> sites; ///< by the rule's most severe outcome at a site
        std::size_t findings = 0;
    };
    std::string head(const RunInfo& info) const;
    std::string summary_html(const ZoneSummary& summary, const RunInfo& info) const;
    /// The bar and table of sites by verdict.
    std::string verdicts_html() const;
    /// The zone summary by township, with the loads against their caps.
    std::string townships_html(const ZoneSummary& summary) const;
    /// The rule ids seen, in rulebook order.
    std::vector<std::string> rules_in_order() const;
    /// The table of sites and findings by rule.
    std::string rules_html() const;
    /// The layers section: each layer's source, size and provenance.
    std::string layers_html(const RunInfo& info) const;
    std::string section(const SiteResult& r, const Application& app);
    std::string eia_counts_html(Lang lang) const;

    std::string m_path;
    const Engine* m_engine = nullptr;
    Lang m_lang = Lang::Zh;
    std::string m_layer_input; ///< SourceInfo::layer_input
    ReportLimits m_limits;
    std::ofstream m_out;
    std::optional<SiteMap> m_map;
    std::size_t m_sites = 0;
    std::map<Outcome, std::size_t> m_by_verdict;
    bool m_eia = false; ///< the rulebook has an eia_category check: a column and counts
    std::map<std::string, std::size_t> m_by_eia_category;
    std::size_t m_no_township = 0;
    std::map<Outcome, std::size_t> m_no_township_by_verdict;
    std::map<std::string, RuleCount> m_by_rule;
    std::vector<std::string> m_rule_order; ///< rule ids in order of first appearance
    std::string m_table;    ///< <tr> rows of the sites table
    std::size_t m_table_count = 0;
    std::size_t m_table_skipped = 0;
    std::string m_sections; ///< rendered site sections
    std::size_t m_section_count = 0;
    std::size_t m_section_skipped = 0; ///< non-PASS sites beyond the section limit
};

} // namespace redline
