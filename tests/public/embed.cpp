// A program that embeds redline through its public headers only (this
// target sees include/, not src/): it loads the sample rulebook, screens
// sites built in memory and the sample applications file into a sink of its
// own, and checks what it got. Exit 0 when every check holds.
//
//   embed RULEBOOK APPLICATIONS.csv
#include <redline/check.hpp>
#include <redline/engine.hpp>
#include <redline/error.hpp>
#include <redline/pipeline.hpp>
#include <redline/words.hpp>

#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

int g_failures = 0;

void expect(bool ok, const std::string& what)
{
    std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
    if (!ok)
        ++g_failures;
}

/// A sink of the embedding program's own: counts verdicts and keeps each
/// site's one-line message, in input order.
class TallySink final : public redline::ResultSink {
public:
    void begin(const redline::SinkContext& c) override { lang = c.lang; }
    void write(const redline::SiteResult& r, const redline::Application& app) override
    {
        ++by_verdict[r.verdict];
        ids.push_back(app.site_id);
        messages.push_back(r.message);
    }
    void finish(const redline::RunSummary& s) override { info_rows = s.info.size(); }
    void commit() override { committed = true; }

    redline::Lang lang = redline::Lang::Zh;
    std::map<redline::Outcome, std::size_t> by_verdict;
    std::vector<std::string> ids, messages;
    std::size_t info_rows = 0;
    bool committed = false;
};

redline::Application site(const std::string& id, const std::string& where, const std::string& industry,
                          const std::string& voc)
{
    redline::Application a;
    a.site_id = id;
    a.industry = industry;
    a.geometry_text = where;
    a.attributes = {{"id", id}, {"industry", industry}, {"voc_tpa", voc}};
    return a;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: embed RULEBOOK APPLICATIONS.csv\n";
        return 2;
    }
    try {
        const redline::Engine engine(argv[1]);
        expect(!engine.checks().empty(), "the sample rulebook configures its checks");

        // Sites from memory, into our sink, in English.
        redline::SourceInfo info;
        info.name = "embedded";
        info.field_names = {"id", "industry", "voc_tpa"};
        info.field_types = {OFTString, OFTString, OFTString};
        redline::MemorySource memory(
            {site("door", "120.0756850,28.8712688", "3312", "1.37"),
             site("no-code", "120.0756850,28.8712688", "", "1"),
             site("far", "100,20", "3312", "1")},
            info);
        std::vector<std::unique_ptr<redline::ResultSink>> sinks;
        sinks.push_back(std::make_unique<TallySink>());
        redline::PipelineOptions options;
        options.lang = redline::Lang::En;
        options.command = "embed";
        const redline::PipelineResult result = redline::run_pipeline(engine, memory, sinks, options);
        const auto& tally = static_cast<const TallySink&>(*sinks.front());
        expect(result.records == 3 && tally.ids == std::vector<std::string>{"door", "no-code", "far"},
               "every record reaches the sink once, in input order");
        expect(tally.committed && tally.info_rows > 10, "the sink is finished with run_info and committed");
        expect(tally.messages[0].rfind("CONDITIONAL: AL-ZD-02 ", 0) == 0,
               "the README's door factory is CONDITIONAL, worded in English: " + tally.messages[0]);
        expect(tally.messages[1] == "ERROR: the industry code is missing",
               "a record without a code is an ERROR row with its reason");
        expect(tally.by_verdict.count(redline::Outcome::Incomplete) == 1,
               "a site outside the coverage is INCOMPLETE");

        // The same engine, one site by hand, rendered in Chinese.
        redline::Engine::Worker worker(engine);
        redline::SiteResult r = worker.screen(site("door", "120.0756850,28.8712688", "3312", "1.37"));
        redline::render(r, redline::Lang::Zh);
        expect(r.message.rfind(redline::verdict_word(redline::Outcome::Conditional, redline::Lang::Zh) + "：", 0) == 0,
               "the same engine renders Chinese on request: " + r.message);

        // The sample applications file, through the file source.
        auto file = redline::open_applications(argv[2], {});
        std::vector<std::unique_ptr<redline::ResultSink>> file_sinks;
        file_sinks.push_back(std::make_unique<TallySink>());
        file_sinks.push_back(std::make_unique<redline::MemorySink>());
        options.threads = 2;
        const redline::PipelineResult all = redline::run_pipeline(engine, *file, file_sinks, options);
        const auto& kept = static_cast<const redline::MemorySink&>(*file_sinks[1]);
        expect(all.records == 294 && kept.results.size() == 294, "294 sample applications in, 294 out");
        expect(all.counts.at(redline::Outcome::Fail) == 86 && all.counts.at(redline::Outcome::Error) == 9,
               "86 FAIL and 9 ERROR, as the batch command reports");
    } catch (const redline::Error& e) {
        std::cerr << "embed: " << e.what() << "\n";
        return 1;
    }
    std::cout << (g_failures ? "embed: failures: " + std::to_string(g_failures) : std::string("embed: all ok")) << "\n";
    return g_failures ? 1 : 0;
}
