// Package joso makes up the demo's two JOSO programme years over a list of primary
// schools: 2021-22, closed (and anonymised once its date has passed), and 2022-23, live,
// with the partnership's figures (Schools2223, Trained2223, ...). Everything goes in
// through the programme's own calls (enrolment, JOSOs added, attendance taken,
// activities logged and approved, nominations decided), on a programme that writes no
// audit entries, since the history is made up: the audit log records only the loading.
//
// It imports missions and nothing that imports missions, so the programme's external
// tests and exports' tests can use it.
package joso
