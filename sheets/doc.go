// Package sheets reads and writes the spreadsheets orglife exchanges with people: tables
// (.xlsx and .csv) of a list's filtered view with the filter written into the file, the annual
// assessment workbook (组织生活开展情况统计表), and the reading of an uploaded .xlsx or .csv (UTF-8
// or GBK, detected) into cells that each know their place (sheet!cell or line:column). It is the
// one package that imports excelize and golang.org/x/text's GBK codec; it imports no other
// orglife package, so it knows nothing of orgs or rules: callers hand it texts.
package sheets
