// The catalog as the evaluator reads it: items with their conditions parsed
// once from the JSON (schema: docs/eia_catalog.md, /work/coord/EIA_SCHEMA.md).
#pragma once

#include "redline/eia.hpp"

#include <array>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

namespace redline::eia {

/// One COND of the schema.
struct Cond {
    enum class Kind { Always, All, Any, Not, Process, ProcessOnly, Compare, In, Sensitive, Otherwise };
    Kind kind = Kind::Always;
    std::vector<Cond> kids;          ///< all/any; not: [0]; otherwise: [0] = except (optional)
    std::string fact;                ///< compare, in, only (process_only: "process")
    std::string op;                  ///< compare: >= > <= < == !=
    double value = 0;                ///< compare
    std::vector<std::string> words;  ///< process, process_only, in, sensitive (empty = the item's list)
};

/// The three columns, highest first.
constexpr std::array<Category, 3> k_columns{Category::Report, Category::Table, Category::Registration};

struct Column {
    bool present = false; ///< false: the cell is "/"
    std::string text;
    Cond when;
};

struct Item {
    ItemInfo info;
    std::vector<std::string> codes;    ///< numeric prefixes
    std::vector<std::string> projects;
    std::vector<std::string> star_codes; ///< the codes printed with `*` (all of them when `star` alone)
    std::optional<Cond> scope;
    std::array<Column, 3> columns;     ///< in k_columns order
    std::vector<std::string> sensitive;
};

struct Catalog::Impl {
    std::string title, source;
    std::vector<FactInfo> facts;
    std::map<std::string, std::size_t, std::less<>> fact_index;
    std::vector<std::string> terms;
    std::map<std::string, std::string, std::less<>> term_class;
    std::map<std::string, std::string, std::less<>> aliases; ///< process word → catalog word
    /// Quantity fact → stems of the process words that use it: with `process` given and no word
    /// containing a stem, an absent quantity is 0 (the process list is complete).
    std::map<std::string, std::vector<std::string>, std::less<>> process_uses;
    std::set<std::string, std::less<>> project_words; ///< every `project` value an item maps or a condition reads
    std::vector<Item> items;
};

/// Index in k_columns of a column name ("报告书" → 0); -1 otherwise.
int column_index(std::string_view name);

} // namespace redline::eia
