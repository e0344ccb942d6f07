// Package audit is the append-only log of who changed what: sign-ins, register imports,
// and every other change an admin, governor or teacher makes. Entries are only ever
// inserted; nothing here updates or deletes one.
package audit
