package outbox

import "io/fs"

// OutboxTemplates lets the external tests read the page templates.
func OutboxTemplates() fs.FS { return templates }
