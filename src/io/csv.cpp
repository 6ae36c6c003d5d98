#include "io/csv.hpp"

#include "redline/error.hpp"
#include "util/text.hpp"

namespace redline {

std::size_t CsvTable::find_column(std::string_view name) const
{
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name)
            return i;
    return npos;
}

std::size_t CsvTable::column(std::string_view name) const
{
    std::size_t i = find_column(name);
    if (i == npos)
        throw Error("missing column '" + std::string(name) + "'");
    return i;
}

CsvTable parse_csv(std::string_view text)
{
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    CsvTable table;
    std::vector<std::string> row;
    std::string field;
    bool in_quotes = false;
    bool field_started = false;
    std::size_t line = 1;
    std::size_t row_line = 1;

    auto end_row = [&]() {
        row.push_back(std::move(field));
        field.clear();
        bool blank = row.size() == 1 && row[0].empty() && !field_started;
        if (!blank) {
            if (table.header.empty()) {
                for (auto& h : row)
                    h = trim(h);
                table.header = std::move(row);
            } else {
                if (row.size() > table.header.size())
                    throw Error("line " + std::to_string(row_line) + ": " +
                                std::to_string(row.size()) + " fields, the header has " +
                                std::to_string(table.header.size()));
                row.resize(table.header.size());
                table.rows.push_back(std::move(row));
                table.row_lines.push_back(row_line);
            }
        }
        row.clear();
        field_started = false;
    };

    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == '"' && field.empty()) {
            in_quotes = true;
            field_started = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            field_started = true;
        } else if (c == '\r') {
            // CRLF: the \n ends the row.
        } else if (c == '\n') {
            end_row();
            ++line;
            row_line = line;
        } else {
            field += c;
            field_started = true;
        }
    }
    if (in_quotes)
        throw Error("line " + std::to_string(row_line) + ": unterminated quoted field");
    if (!field.empty() || !row.empty() || field_started)
        end_row();
    return table;
}

} // namespace redline
