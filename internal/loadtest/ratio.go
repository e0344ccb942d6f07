package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/academic"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/urls"
)

// The ratio (issue 15): how many section saves a second the service takes through HTTP
// while each answers within RatioBound at the 99th percentile, against how many bare
// driver updates of the same kind (a $set of a section's answers on a return, by _id) the
// same store takes a second. The store's own cost of a write is then the denominator: the
// ratio says what the service spends on a save beyond it (reads, the session, the rate
// limit, audit, the change stamp). On the embedded store every write is a synced SQLite
// transaction, one at a time, so a save that costs one write and little else comes close
// to 1.

// RatioBound is the p99 a rate of saves must stay under to count.
const RatioBound = 250 * time.Millisecond

// ratioStep is how long each rate is offered.
const ratioStep = 3 * time.Second

// Ratio is what SaveRatio measured.
type Ratio struct {
	// HTTPRate is the highest rate of saves (a second) offered through HTTP whose p99 stayed
	// under RatioBound with no error; HTTPP99 is that p99, Saves how many saves it made.
	HTTPRate float64
	HTTPP99  time.Duration
	Saves    int
	// BareRate is how many bare driver updates a second the store took, Saves of them.
	BareRate float64
	// Ratio is HTTPRate / BareRate.
	Ratio float64
	// Tried is every rate offered, in order.
	Tried []RateTrial
}

// RateTrial is one rate offered through HTTP and how it went.
type RateTrial struct {
	Rate   float64
	Saves  int
	Errors int
	P99    time.Duration
}

// Passed says whether the rate counts: no error and p99 under RatioBound.
func (t RateTrial) Passed() bool { return t.Errors == 0 && t.Saves > 0 && t.P99 < RatioBound }

// Print writes the measurement in a few lines.
func (r Ratio) Print(w io.Writer) {
	fmt.Fprintf(w, "Section saves through HTTP at p99 under %s: %.0f a second (p99 %s, %d saves)\n", ms(RatioBound), r.HTTPRate, ms(r.HTTPP99), r.Saves)
	fmt.Fprintf(w, "Bare driver updates of the same returns on the same store: %.0f a second\n", r.BareRate)
	fmt.Fprintf(w, "Ratio: %.2f\n", r.Ratio)
	for _, t := range r.Tried {
		fmt.Fprintf(w, "  offered %.0f saves/s: %d saves, %d errors, p99 %s\n", t.Rate, t.Saves, t.Errors, ms(t.P99))
	}
}

// SaveRatio measures the ratio against a running server at p.BaseURL, whose store is the
// one open opens. Each of p.Governors (of round p.Round) opens its link and saves its sections over and over (the
// answers AnswersFor gives, recorded in acks if not nil, so Verify still holds); their
// returns must be open for changes (not submitted). Every governor saves once first, so
// the rates are of saves in the steady state. The rates offered double from 25 a second
// until one fails, then close in on the highest that passes. Then stop stops the server
// and open opens its store (the embedded store's files have one owner at a time), where
// the same number of bare updates, $set of the same answers by _id, are timed with the
// same store write discipline (store.Write) as the service's, three times (the median
// counts).
func SaveRatio(ctx context.Context, p Plan, acks *Acks, stop func() error,
	open func(context.Context) (*store.Store, func(), error)) (Ratio, error) {
	var r Ratio
	if len(p.Governors) == 0 {
		return r, errors.New("ratio: no governors to save")
	}
	savers, err := startSavers(ctx, p.BaseURL, p.Governors, acks)
	if err != nil {
		return r, err
	}
	best, err := bestRate(ctx, savers, &r)
	if err != nil {
		return r, err
	}
	r.HTTPRate, r.HTTPP99, r.Saves = best.Rate, best.P99, best.Saves
	if err := stop(); err != nil {
		return r, fmt.Errorf("ratio: stopping the server: %w", err)
	}
	st, closeStore, err := open(ctx)
	if err != nil {
		return r, fmt.Errorf("ratio: opening the store: %w", err)
	}
	defer closeStore()
	// The median of three timings: a run of a few seconds on a shared machine is noisy.
	var rates []float64
	for range 3 {
		rate, err := bareUpdates(ctx, st, p.Round, savers, max(r.Saves, 100))
		if err != nil {
			return r, err
		}
		rates = append(rates, rate)
	}
	slices.Sort(rates)
	r.BareRate = rates[1]
	if r.BareRate > 0 {
		r.Ratio = r.HTTPRate / r.BareRate
	}
	return r, nil
}

// bestRate offers rates until it has the highest that passes (within an eighth).
func bestRate(ctx context.Context, savers *saverPool, r *Ratio) (RateTrial, error) {
	try := func(rate float64) RateTrial {
		t := savers.offer(ctx, rate, ratioStep)
		r.Tried = append(r.Tried, t)
		return t
	}
	var good, bad RateTrial
	for rate := 25.0; rate <= 3200 && ctx.Err() == nil; rate *= 2 {
		if t := try(rate); t.Passed() {
			good = t
		} else {
			bad = t
			break
		}
	}
	for rate := 12.0; good.Rate == 0 && rate >= 3 && ctx.Err() == nil; rate /= 2 {
		if t := try(rate); t.Passed() {
			good = t
		}
	}
	for bad.Rate > 0 && good.Rate > 0 && bad.Rate-good.Rate > good.Rate/8 && ctx.Err() == nil {
		if t := try((good.Rate + bad.Rate) / 2); t.Passed() {
			good = t
		} else {
			bad = t
		}
	}
	if good.Rate == 0 {
		return good, fmt.Errorf("ratio: no rate of saves kept p99 under %s (tried %v)", RatioBound, r.Tried)
	}
	return good, ctx.Err()
}

// saver is one governor saving their return's sections in turn, one save at a time.
type saver struct {
	b       *browser
	p       GovernorPlan
	version int
	next    int // index into sections
	acks    *Acks
}

// saverPool hands out idle savers.
type saverPool struct {
	all  []*saver
	idle chan *saver
}

// startSavers opens each governor's link in a browser of its own and saves one section
// each, a few at a time.
func startSavers(ctx context.Context, base string, govs []GovernorPlan, acks *Acks) (*saverPool, error) {
	transport := &http.Transport{MaxIdleConns: 1000, MaxIdleConnsPerHost: 1000, IdleConnTimeout: 30 * time.Second}
	pool := &saverPool{idle: make(chan *saver, len(govs))}
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	gate := make(chan struct{}, 8)
	for i, g := range govs {
		// Addresses of their own (10.200.x.y), apart from a load run's people.
		s := &saver{b: newBrowser(base, transport, NewRecorder(), 200<<16+i), p: g, acks: acks}
		s.p.Sections = slices.DeleteFunc(slices.Clone(g.Sections), func(sec forms.Section) bool { return sec.ID == declaration })
		pool.all = append(pool.all, s)
		wg.Go(func() {
			gate <- struct{}{}
			defer func() { <-gate }()
			err := s.start(ctx)
			if err == nil {
				_, err = s.save(ctx)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = fmt.Errorf("ratio: governor of %d: %w", g.URN, err)
			}
		})
	}
	wg.Wait()
	for _, s := range pool.all {
		pool.idle <- s
	}
	return pool, first
}

// start opens the link and reads the return's version from its first section.
func (s *saver) start(ctx context.Context) error {
	if len(s.p.Sections) == 0 {
		return errors.New("no section to save")
	}
	if _, err := s.b.get(ctx, "ratio: open link", urls.ReturnPath(s.p.Token), http.StatusSeeOther); err != nil {
		return err
	}
	pg, err := s.b.get(ctx, "ratio: section page", "/return/section/"+s.p.Sections[0].ID, http.StatusOK)
	if err != nil {
		return err
	}
	v, err := field(versionInput, pg)
	if err != nil {
		return err
	}
	s.version, err = strconv.Atoi(v)
	return err
}

// save saves the next section, as "Save and continue", and says how long it took.
func (s *saver) save(ctx context.Context) (time.Duration, error) {
	sec := s.p.Sections[s.next%len(s.p.Sections)]
	form, want := AnswersFor(s.p.URN, sec, time.Now().In(academic.London))
	form.Set("version", strconv.Itoa(s.version))
	form.Set("action", "continue")
	start := time.Now()
	res, err := s.b.post(ctx, "ratio: save section", "/return/section/"+sec.ID, form, http.StatusSeeOther)
	took := time.Since(start)
	if err != nil {
		return took, err
	}
	if !strings.HasSuffix(res.location, "/check") {
		return took, fmt.Errorf("a save of %s led to %q, not its check page (is the return submitted?)", sec.ID, res.location)
	}
	s.version++
	s.next++
	if s.acks != nil {
		s.acks.saved(s.p.URN, sec.ID, want)
	}
	return took, nil
}

// offer starts saves at rate a second for d, each by an idle saver, and times each from
// when it was due (so a queue for savers counts against the rate, as it would for people).
func (pool *saverPool) offer(ctx context.Context, rate float64, d time.Duration) RateTrial {
	t := RateTrial{Rate: rate}
	n := max(1, int(rate*d.Seconds()))
	interval := time.Duration(float64(time.Second) / rate)
	var mu sync.Mutex
	var took []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			s := <-pool.idle
			_, err := s.save(ctx)
			pool.idle <- s
			mu.Lock()
			defer mu.Unlock()
			took = append(took, time.Since(due))
			if err != nil {
				t.Errors++
			}
		})
	}
	wg.Wait()
	slices.Sort(took)
	t.Saves, t.P99 = len(took), percentile(took, 99)
	return t
}

// bareUpdates times n updates of the savers' returns straight through the driver, each a
// $set of the answers the return holds and of its updated time, with its version moved
// on, by _id, round robin over the returns, eight at a time, each under store.Write (on
// the embedded store, one writer at a time, as the service writes).
func bareUpdates(ctx context.Context, st *store.Store, round string, savers *saverPool, n int) (float64, error) {
	returns := st.Collection("returns")
	type doc struct {
		ID      string `bson:"_id"`
		Answers bson.RawValue
	}
	var docs []doc
	for _, s := range savers.all {
		var d doc
		id := round + ":" + strconv.Itoa(s.p.URN)
		if err := returns.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
			return 0, fmt.Errorf("ratio: reading %s: %w", id, err)
		}
		docs = append(docs, d)
	}
	jobs := make(chan doc)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	start := time.Now()
	for range 8 {
		wg.Go(func() {
			for d := range jobs {
				err := st.Write(ctx, func(ctx context.Context) error {
					_, err := returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, bson.D{
						{Key: "$set", Value: bson.D{{Key: "answers", Value: d.Answers}, {Key: "updated", Value: time.Now().UTC()}}},
						{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
					return err
				})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for i := range n {
		jobs <- docs[i%len(docs)]
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	select {
	case err := <-errs:
		return 0, fmt.Errorf("ratio: a bare update: %w", err)
	default:
	}
	return float64(n) / elapsed.Seconds(), nil
}
