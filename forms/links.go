package forms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/store"
	"github.com/lscp/assure/internal/token"
)

// Links: a school's link carries a token derived, with a keyed hash (HMAC-SHA256), from a
// server secret, the return's ID and the link's generation. So the same link can be
// given again (in every reminder, invitation and re-downloaded mail merge) without the
// store ever holding it: the store keeps only the token's SHA-256, in a links document
// keyed by that hash (the embedded store's fast lookup) and on the return. A link stays
// the same until an admin revokes or replaces it, which moves the generation on; a link
// works only while it is the return's current one, so that stops the old one at once.

// linkSecret names the store secret links are derived from.
const linkSecret = "links"

type linkDoc struct {
	ID     string    `bson:"_id"` // SHA-256 of the token, hex
	Return string    `bson:"return"`
	Issued time.Time `bson:"issued"`
}

// linkStore keeps the links' lookup documents (collection links) and the secret they are
// derived from, read once: it never changes. Rounds holds it to make a round's first
// links; Links gives them out.
type linkStore struct {
	st   *store.Store
	docs *mongo.Collection
	mu   sync.Mutex
	key  []byte
}

func newLinkStore(st *store.Store) *linkStore {
	return &linkStore{st: st, docs: st.Collection("links")}
}

func (ls *linkStore) secret(ctx context.Context) ([]byte, error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.key == nil {
		key, err := ls.st.Secret(ctx, linkSecret)
		if err != nil {
			return nil, fmt.Errorf("links: %w", err)
		}
		ls.key = key
	}
	return ls.key, nil
}

// Links gives out, replaces, revokes and resolves schools' links; what an admin gives out
// or changes is in the audit log.
type Links struct {
	rounds *Rounds
	store  *linkStore
}

// NewLinks gives out the links of the returns of rs. It holds nothing of its own, so any
// number may be made over the same rs.
func NewLinks(rs *Rounds) *Links { return &Links{rounds: rs, store: rs.links} }

// linkToken derives the token of a return's link of a generation from the store's key.
func linkToken(key []byte, returnID string, gen int) string {
	return token.Derive(key, "assure link\x00"+returnID+"\x00"+strconv.Itoa(gen))
}

// firstLinks gives returns about to be made their first link (generation 1), so the
// links cost nothing later: a round's 386 links take one batch of writes when it opens,
// not three writes a school when the mail merge is first downloaded. It stores the links'
// lookup documents; the caller inserts the returns.
func (rs *Rounds) firstLinks(ctx context.Context, returns []Return) error {
	key, err := rs.links.secret(ctx)
	if err != nil {
		return err
	}
	docs := make([]any, len(returns))
	for i := range returns {
		r := &returns[i]
		r.LinkGen, r.LinkHash = 1, token.Hash(linkToken(key, r.ID, 1))
		docs[i] = linkDoc{ID: r.LinkHash, Return: r.ID, Issued: r.Updated}
	}
	if err := rs.register.insertMany(ctx, rs.links.docs, docs, func(int) {}); err != nil {
		return fmt.Errorf("links: making the first links: %w", err)
	}
	return nil
}

// urnsOf is the URNs of the returns named by their stored IDs, for the round's change log.
func urnsOf(ids []string) []int {
	urns := make([]int, 0, len(ids))
	for _, id := range ids {
		if r, ok := ParseReturnID(id); ok {
			urns = append(urns, r.URN)
		}
	}
	return urns
}

// givenOut records that the returns' links have been given out (by a mail merge or a
// reminder), for the chase counters, the first time only.
func (lk *Links) givenOut(ctx context.Context, year string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return lk.rounds.returns.write(ctx, year, urnsOf(ids), func(ctx context.Context) error {
		_, err := lk.rounds.returns.returns.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "link_issued", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "link_issued", Value: time.Now().UTC()}, {Key: "links_issued", Value: 1}}}})
		return err
	})
}

// Link returns a school's current link token, making the first one if it has none (or
// none since a revocation). Asking again gives the same token.
func (lk *Links) Link(ctx context.Context, id ReturnID) (string, error) {
	r, err := lk.rounds.returns.Get(ctx, id)
	if err != nil {
		return "", err
	}
	return lk.currentLink(ctx, r)
}

func (lk *Links) currentLink(ctx context.Context, r Return) (string, error) {
	token, err := lk.LiveLink(ctx, r)
	if err != nil || token != "" {
		return token, err
	}
	key, err := lk.store.secret(ctx)
	if err != nil {
		return "", err
	}
	return lk.issue(ctx, r.Key(), key, r.LinkGen+1)
}

// LiveLink gives the token of a return's working link, or "" when it has none (revoked,
// never given, or made under another secret), without writing anything: what a school's
// page shows an admin.
func (lk *Links) LiveLink(ctx context.Context, r Return) (string, error) {
	if r.LinkHash == "" {
		return "", nil
	}
	key, err := lk.store.secret(ctx)
	if err != nil {
		return "", err
	}
	if tok := linkToken(key, r.ID, r.LinkGen); token.Hash(tok) == r.LinkHash {
		return tok, nil
	}
	return "", nil
}

// IssueLink replaces a school's link with a new one (the next generation) and returns its
// token: the old link stops working at once, even mid-session. Saved answers stay. It
// records who did it.
func (lk *Links) IssueLink(ctx context.Context, by audit.Actor, id ReturnID) (string, error) {
	r, err := lk.rounds.returns.Get(ctx, id)
	if err != nil {
		return "", err
	}
	key, err := lk.store.secret(ctx)
	if err != nil {
		return "", err
	}
	token, err := lk.issue(ctx, id, key, r.LinkGen+1)
	if err != nil {
		return "", err
	}
	record(ctx, lk.rounds.audit, by, audit.ActionLinksIssued, r.ID, "reissued; the old link stopped working")
	return token, nil
}

// issue makes generation gen the return's link. Two callers issuing the same generation
// at once derive the same token, so a race changes nothing.
func (lk *Links) issue(ctx context.Context, id ReturnID, key []byte, gen int) (string, error) {
	tok := linkToken(key, id.String(), gen)
	now := time.Now().UTC()
	l := linkDoc{ID: token.Hash(tok), Return: id.String(), Issued: now}
	err := lk.store.st.Write(ctx, func(ctx context.Context) error {
		_, err := lk.store.docs.InsertOne(ctx, l)
		if store.IsDuplicateKey(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("links: issuing for %s: %w", id, err)
	}
	err = lk.rounds.returns.write(ctx, id.Round, []int{id.URN}, func(ctx context.Context) error {
		_, err := lk.rounds.returns.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}, {Key: "link_hash", Value: bson.D{{Key: "$ne", Value: l.ID}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "link_hash", Value: l.ID}, {Key: "link_gen", Value: gen}, {Key: "link_issued", Value: now}}},
				{Key: "$inc", Value: bson.D{{Key: "links_issued", Value: 1}}}})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("links: issuing for %s: %w", id, err)
	}
	return tok, nil
}

// RevokeLink stops a school's link working without issuing another; the next link made
// is of a later generation, so the revoked one never comes back. It records who did it.
func (lk *Links) RevokeLink(ctx context.Context, by audit.Actor, id ReturnID) error {
	err := lk.rounds.returns.write(ctx, id.Round, []int{id.URN}, func(ctx context.Context) error {
		_, err := lk.rounds.returns.returns.UpdateOne(ctx, bson.D{{Key: "_id", Value: id.String()}},
			bson.D{{Key: "$unset", Value: bson.D{{Key: "link_hash", Value: ""}}}})
		return err
	})
	if err != nil {
		return err
	}
	record(ctx, lk.rounds.audit, by, audit.ActionLinkRevoked, id.String(), "")
	return nil
}

// ResolveLink finds the return a token opens; a malformed, unknown, replaced or revoked
// token gives ErrLinkInvalid.
func (lk *Links) ResolveLink(ctx context.Context, tok string) (Return, error) {
	if !token.Valid(tok) {
		return Return{}, ErrLinkInvalid
	}
	l, err := store.FindByID[linkDoc](ctx, lk.store.docs, token.Hash(tok), ErrLinkInvalid)
	if errors.Is(err, ErrLinkInvalid) {
		return Return{}, err
	}
	if err != nil {
		return Return{}, fmt.Errorf("links: resolving: %w", err)
	}
	r, err := lk.rounds.returns.byID(ctx, l.Return)
	if err != nil {
		return Return{}, err
	}
	if r.LinkHash != l.ID {
		return Return{}, ErrLinkInvalid
	}
	return r, nil
}

// LinksRequest asks for the links of a round's schools, for a mail merge.
type LinksRequest struct {
	Year string
	URN  int // only this school (0: every school expected to return)
	// IncludeSubmitted keeps schools that have submitted; by default they are left out,
	// as they have nothing more to do.
	IncludeSubmitted bool
}

// SchoolLink is one school's link, a line of a mail merge.
type SchoolLink struct {
	URN          int
	School       string
	Phase        Phase
	Status       string // as an admin reads it: not started, in progress...
	ContactEmail string
	Token        string
}

// IssueLinks gives the current link of every school of an open round that is expected to
// return (exempt schools are left out, and submitted ones unless asked for), making the
// first link of any school without one. It can be asked again at any time and gives the
// same links; each time is in the audit log.
func (lk *Links) IssueLinks(ctx context.Context, by audit.Actor, req LinksRequest) ([]SchoolLink, error) {
	round, err := lk.rounds.Get(ctx, req.Year)
	if err != nil {
		return nil, err
	}
	if round.State != RoundOpen {
		return nil, ErrRoundNotOpen
	}
	returns, err := lk.rounds.returns.OfRound(ctx, req.Year)
	if err != nil {
		return nil, err
	}
	var out []SchoolLink
	var fresh []string
	made := 0
	for _, r := range returns {
		if (req.URN != 0 && r.URN != req.URN) || r.Exempt || (r.Status == StatusSubmitted && !req.IncludeSubmitted && req.URN == 0) {
			continue
		}
		if r.LinkHash == "" {
			made++
		}
		token, err := lk.currentLink(ctx, r)
		if err != nil {
			return nil, err
		}
		if r.LinkIssued.IsZero() {
			fresh = append(fresh, r.ID)
		}
		out = append(out, SchoolLink{URN: r.URN, School: r.School.Name, Phase: r.School.Phase, Status: r.StatusLabel(),
			ContactEmail: r.ContactEmail, Token: token})
	}
	if req.URN != 0 && len(out) == 0 {
		return nil, fmt.Errorf("%w: URN %d is not expected in round %s", ErrReturnNotFound, req.URN, req.Year)
	}
	if err := lk.givenOut(ctx, req.Year, fresh); err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	detail := fmt.Sprintf("mail merge of %d schools (%d links made for the first time)", len(out), made)
	if req.IncludeSubmitted {
		detail += ", submitted schools included"
	}
	// Unlike other entries, a failure to record this one refuses the links: a mail merge
	// gives out every school's keys, and must not go unrecorded.
	if err := lk.rounds.audit.Record(ctx, audit.Entry{Actor: by.Name, IP: by.IP, Action: audit.ActionLinksIssued, Target: req.Year, Detail: detail}); err != nil {
		return nil, err
	}
	return out, nil
}
