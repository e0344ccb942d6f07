// Package academic holds the partnership's calendar: academic years written like 2026-27,
// and London time, the clock every deadline, chart day and programme year is kept in.
//
// It is a leaf shared by the assurance round (forms) and the JOSO programme (missions),
// so neither borrows the other's calendar.
package academic
