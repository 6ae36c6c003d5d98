// GB/T 4754-2017 industry codes, their normalisation, 工业项目类别 classes
// and the selectors rules use to name industries.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

/// The complete GB/T 4754-2017 table (门类/大类/中类/小类), shipped inside
/// the binary (src/data/gbt4754_2017.csv).
class IndustryTable {
public:
    struct Entry {
        std::string code; ///< with section letter, e.g. "C3360"
        std::string name; ///< e.g. "金属表面处理及热处理加工"
        int level = 0;    ///< 1 门类 .. 4 小类
    };

    /// The table compiled into redline.
    static const IndustryTable& gbt4754_2017();
    /// Parses a table in the CSV layout of src/data/gbt4754_2017.csv.
    static IndustryTable from_csv(std::string_view text);

    /// The canonical code for user input: trims, upper-cases, and prefixes
    /// the section letter of a numeric code ("3360" -> "C3360"). Returns
    /// nullopt when the code is not in the table. Never pads: "336" is the
    /// 中类 C336, not C3360.
    std::optional<std::string> normalise(std::string_view input) const;
    const Entry* find(std::string_view canonical) const;
    std::size_t size() const { return m_entries.size(); }
    /// Every entry, by code.
    const std::map<std::string, Entry, std::less<>>& entries() const { return m_entries; }

private:
    std::map<std::string, Entry, std::less<>> m_entries;
    std::map<std::string, std::string, std::less<>> m_by_numeric;
};

/// The 工业项目类别 (1/2/3) of industries, by longest code prefix.
class IndustryClasses {
public:
    IndustryClasses() = default;
    /// Reads a CSV with columns `industry,class`; throws RulebookError
    /// naming `path` and the line on a bad row.
    static IndustryClasses load(const std::string& path, const IndustryTable& table);
    void add(const std::string& prefix, int cls) { m_classes[prefix] = cls; }
    /// The class of the longest prefix `code` starts with.
    std::optional<int> class_of(std::string_view code) const;
    bool empty() const { return m_classes.empty(); }

private:
    std::map<std::string, int, std::less<>> m_classes;
};

/// An application's resolved industry.
struct Industry {
    std::string code;       ///< canonical, e.g. "C3360"
    std::string name;       ///< from the table
    std::optional<int> cls; ///< 工业项目类别, when industry_classes is set
};

/// One selector: a code prefix with its section letter ("C", "C33",
/// "C3360") or `class:N`.
class IndustrySelector {
public:
    /// Parses and normalises `text` ("3360" -> "C3360"). Sets `known` to
    /// false when a prefix is not itself a code of the table (it still
    /// matches by prefix). Throws Error when the text cannot be a selector.
    static IndustrySelector parse(std::string_view text, const IndustryTable& table,
                                  bool* known = nullptr);
    bool matches(const Industry& industry) const;
    bool is_class() const { return m_class.has_value(); }
    /// Code prefix length, for "longest prefix wins"; 0 for a class.
    std::size_t specificity() const { return m_prefix.size(); }
    std::string text() const;

private:
    std::string m_prefix;
    std::optional<int> m_class;
};

/// A list of selectors; matches when any does. An empty list matches
/// nothing unless constructed as `everything`.
class IndustrySet {
public:
    IndustrySet() = default;
    static IndustrySet everything();
    void add(IndustrySelector s) { m_selectors.push_back(std::move(s)); }
    bool matches(const Industry& industry) const;
    bool is_everything() const { return m_everything; }
    const std::vector<IndustrySelector>& selectors() const { return m_selectors; }
    std::string text() const;

private:
    bool m_everything = false;
    std::vector<IndustrySelector> m_selectors;
};

} // namespace redline
