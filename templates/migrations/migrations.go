// Package migrations embeds the SQL schema migrations that goose applies.
package migrations

import "embed"

// FS contains every *.sql migration in this folder. Goose orders them by the
// numeric version prefix of the file name.
//
//go:embed *.sql
var FS embed.FS
