// Loading the catalog: the JSON parsed once, every condition checked against
// the declared facts and sensitive terms, so that a transcription mistake is
// an error at load (and in the unit tests), never a silent `false`.
#include "eia/catalog.hpp"

#include "redline/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace redline::eia {

extern const char* const k_eia_catalog_2021_json; // generated from src/data/eia_catalog_2021.json

namespace {

using json = nlohmann::json;

struct Loader {
    Catalog::Impl& c;
    std::string where; // "item 36" in messages

    [[noreturn]] void fail(const std::string& message) const
    {
        throw Error("EIA catalog: " + where + ": " + message);
    }

    std::vector<std::string> strings(const json& j, const char* key) const
    {
        std::vector<std::string> out;
        if (!j.contains(key) || j.at(key).is_null())
            return out;
        if (!j.at(key).is_array())
            fail(std::string("'") + key + "' is not a list");
        for (const auto& v : j.at(key)) {
            if (!v.is_string())
                fail(std::string("'") + key + "' holds a value that is not text");
            out.push_back(v.get<std::string>());
        }
        return out;
    }

    void check_fact(const std::string& key) const
    {
        if (c.fact_index.count(key) == 0)
            fail("a condition uses the undeclared fact '" + key + "'");
    }

    void check_terms(const std::vector<std::string>& terms) const
    {
        for (const auto& t : terms)
            if (c.term_class.count(t) == 0)
                fail("'" + t + "' is not a sensitive-area term of 第三条");
    }

    Cond parse_compare(const json& j)
    {
        Cond out;
        out.fact = j.at("fact").get<std::string>();
        check_fact(out.fact);
        if (j.contains("in")) {
            out.kind = Cond::Kind::In;
            out.words = strings(j, "in");
            if (out.fact == "project")
                c.project_words.insert(out.words.begin(), out.words.end());
            return out;
        }
        out.kind = Cond::Kind::Compare;
        out.op = j.value("op", "");
        static const std::set<std::string> ops{">=", ">", "<=", "<", "==", "!="};
        if (ops.count(out.op) == 0)
            fail("fact '" + out.fact + "': unknown comparison '" + out.op + "'");
        if (!j.contains("value") || !j.at("value").is_number())
            fail("fact '" + out.fact + "': the value is not a number");
        out.value = j.at("value").get<double>();
        return out;
    }

    Cond parse(const json& j)
    {
        if (!j.is_object() || j.empty())
            fail("a condition is not an object: " + j.dump());
        Cond out;
        if (j.contains("always")) {
            out.kind = Cond::Kind::Always;
        } else if (j.contains("all") || j.contains("any")) {
            out.kind = j.contains("all") ? Cond::Kind::All : Cond::Kind::Any;
            const json& list = j.contains("all") ? j.at("all") : j.at("any");
            if (!list.is_array() || list.empty())
                fail("all/any needs a non-empty list: " + j.dump());
            for (const auto& k : list)
                out.kids.push_back(parse(k));
        } else if (j.contains("not")) {
            out.kind = Cond::Kind::Not;
            out.kids.push_back(parse(j.at("not")));
        } else if (j.contains("process")) {
            out.kind = Cond::Kind::Process;
            out.words = strings(j, "process");
            check_fact("process");
        } else if (j.contains("process_only")) {
            // "仅分割、焊接、组装的": every process of the project is one of these.
            out.kind = Cond::Kind::ProcessOnly;
            out.fact = "process";
            out.words = strings(j, "process_only");
            check_fact("process");
        } else if (j.contains("fact") && j.contains("only")) {
            out.kind = Cond::Kind::ProcessOnly;
            out.fact = j.at("fact").get<std::string>();
            out.words = strings(j, "only");
            check_fact(out.fact);
        } else if (j.contains("fact")) {
            out = parse_compare(j);
        } else if (j.contains("sensitive")) {
            out.kind = Cond::Kind::Sensitive;
            if (j.at("sensitive").is_array())
                out.words = strings(j, "sensitive");
            check_terms(out.words);
        } else if (j.contains("otherwise")) {
            out.kind = Cond::Kind::Otherwise;
            if (j.contains("except") && !j.at("except").is_null())
                out.kids.push_back(parse(j.at("except")));
        } else {
            fail("unknown condition " + j.dump());
        }
        return out;
    }

    void facts(const json& j)
    {
        where = "facts";
        for (const auto& [key, f] : j.items()) {
            FactInfo info;
            info.key = key;
            info.kind = f.value("kind", "text");
            if (info.kind != "number" && info.kind != "yesno" && info.kind != "text" &&
                info.kind != "list" && info.kind != "code")
                fail("fact '" + key + "' has the unknown kind '" + info.kind + "'");
            info.unit = f.value("unit", "");
            info.zh = f.value("zh", key);
            info.en = f.value("en", key);
            info.values = strings(f, "values");
            c.fact_index[key] = c.facts.size();
            c.facts.push_back(std::move(info));
        }
    }

    void terms(const json& j)
    {
        where = "sensitive_terms";
        for (const char* cls : {"一", "二", "三"}) {
            if (!j.contains(cls))
                fail(std::string("class (") + cls + ") is missing");
            for (const auto& t : strings(j, cls)) {
                c.term_class[t] = cls;
                c.terms.push_back(t);
            }
        }
    }

    void columns(const json& j, Item& item)
    {
        if (!j.contains("columns") || !j.at("columns").is_object())
            fail("no 'columns'");
        for (const auto& [name, col] : j.at("columns").items()) {
            int i = column_index(name);
            if (i < 0)
                fail("unknown column '" + name + "'");
            if (col.is_null())
                continue;
            Column& out = item.columns[static_cast<std::size_t>(i)];
            out.present = true;
            out.text = col.value("text", "");
            if (!col.contains("when"))
                fail("column " + name + " has no 'when'");
            out.when = parse(col.at("when"));
        }
    }

    void item(const json& j)
    {
        Item item;
        item.info.number = j.at("number").get<int>();
        where = "item " + std::to_string(item.info.number);
        item.info.section = j.value("section", 0);
        item.info.name = j.value("name", "");
        item.info.code_text = j.value("code_text", "");
        item.info.star = j.value("star", false);
        item.codes = strings(j, "codes");
        for (const auto& code : item.codes)
            if (code.size() < 2 || code.size() > 4 ||
                !std::all_of(code.begin(), code.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
                fail("'" + code + "' is not a 2-4 digit GB/T 4754 code");
        item.projects = strings(j, "projects");
        if (j.contains("scope") && !j.at("scope").is_null())
            item.scope = parse(j.at("scope"));
        item.star_codes = strings(j, "star_codes");
        if (item.info.star && item.star_codes.empty())
            item.star_codes = item.codes; // `star` alone: every code is starred
        if (!item.star_codes.empty()) {
            item.info.star = true;
            check_fact("industrial_building");
        }
        c.project_words.insert(item.projects.begin(), item.projects.end());
        columns(j, item);
        item.sensitive = strings(j, "sensitive");
        check_terms(item.sensitive);
        c.items.push_back(std::move(item));
    }
};

Catalog::Impl load(const json& j)
{
    Catalog::Impl c;
    Loader l{c, "top level"};
    if (!j.is_object())
        l.fail("not a JSON object");
    c.title = j.value("catalog", "");
    c.source = j.value("source", "");
    l.facts(j.at("facts"));
    l.terms(j.at("sensitive_terms"));
    if (j.contains("process_aliases"))
        for (const auto& [from, to] : j.at("process_aliases").items())
            c.aliases[from] = to.get<std::string>();
    if (j.contains("process_uses"))
        for (const auto& [fact, stems] : j.at("process_uses").items()) {
            auto f = c.fact_index.find(fact);
            if (f == c.fact_index.end() || c.facts[f->second].kind != "number")
                l.fail("process_uses names '" + fact + "', which is not a numeric fact");
            c.process_uses[fact] = stems.get<std::vector<std::string>>();
        }
    for (const auto& item : j.at("items"))
        l.item(item);
    return c;
}

} // namespace

int column_index(std::string_view name)
{
    for (std::size_t i = 0; i < k_columns.size(); ++i)
        if (category_name(k_columns[i]) == name)
            return static_cast<int>(i);
    return -1;
}

Catalog Catalog::from_json(std::string_view text)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw Error(std::string("EIA catalog: not valid JSON: ") + e.what());
    }
    try {
        return Catalog(std::make_shared<const Impl>(load(j)));
    } catch (const json::exception& e) {
        throw Error(std::string("EIA catalog: ") + e.what());
    }
}

Catalog Catalog::from_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open the EIA catalog " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return from_json(ss.str());
}

const Catalog& Catalog::builtin()
{
    static const Catalog catalog = [] {
        if (std::string_view(k_eia_catalog_2021_json).empty())
            throw Error("this build of redline has no EIA catalog (src/data/eia_catalog_2021.json)");
        return from_json(k_eia_catalog_2021_json);
    }();
    return catalog;
}

const std::string& Catalog::title() const { return m_impl->title; }
const std::string& Catalog::source() const { return m_impl->source; }
const std::vector<FactInfo>& Catalog::facts() const { return m_impl->facts; }
const std::vector<std::string>& Catalog::sensitive_terms() const { return m_impl->terms; }
std::size_t Catalog::item_count() const { return m_impl->items.size(); }

const FactInfo* Catalog::fact(std::string_view key) const
{
    auto it = m_impl->fact_index.find(key);
    return it == m_impl->fact_index.end() ? nullptr : &m_impl->facts[it->second];
}

std::string Catalog::sensitive_class(std::string_view term) const
{
    auto it = m_impl->term_class.find(term);
    return it == m_impl->term_class.end() ? std::string() : it->second;
}

const ItemInfo* Catalog::item(int number) const
{
    for (const auto& i : m_impl->items)
        if (i.info.number == number)
            return &i.info;
    return nullptr;
}

std::vector<std::string> Catalog::projects() const
{
    return {m_impl->project_words.begin(), m_impl->project_words.end()};
}

} // namespace redline::eia
