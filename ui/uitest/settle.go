// Package uitest drives Bubble Tea models in tests without a terminal. It
// imports nothing of mirrorcert, so package ui's own tests can use it too.
package uitest

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// Settle runs cmd the way Bubble Tea would: every command concurrently, each
// message fed to update, the commands update returns run in turn. It returns
// once no message has arrived for quiet, since what is still out then is a
// timer, and it reports whether a tea.QuitMsg came by.
//
// Timer messages are dropped rather than fed back, or the loop would never
// end: spinner frames, text-input cursor blinks, and whatever isTimer
// accepts (a model's own timers; nil for none).
func Settle(cmd tea.Cmd, update func(tea.Msg) tea.Cmd, quiet time.Duration, isTimer func(tea.Msg) bool) (quit bool) {
	return SettleWhile(cmd, update, quiet, isTimer, nil)
}

// SettleWhile is Settle that does not take a quiet spell for the end while
// busy reports work in flight (a step running on a slow or loaded server):
// it waits on, up to a minute, for that work's messages.
func SettleWhile(cmd tea.Cmd, update func(tea.Msg) tea.Cmd, quiet time.Duration, isTimer func(tea.Msg) bool, busy func() bool) (quit bool) {
	msgs := make(chan tea.Msg, 64)
	out := 0
	start := func(c tea.Cmd) {
		if c != nil {
			out++
			go func() { msgs <- c() }()
		}
	}
	start(cmd)
	begun := time.Now()
	for out > 0 {
		var msg tea.Msg
		select {
		case msg = <-msgs:
			out--
		case <-time.After(quiet):
			if busy == nil || !busy() || time.Since(begun) > time.Minute {
				return quit
			}
			continue
		}
		switch msg := msg.(type) {
		case nil, spinner.TickMsg:
			continue
		case tea.QuitMsg:
			quit = true
			continue
		case tea.BatchMsg:
			for _, c := range msg {
				start(c)
			}
			continue
		}
		// A text input's cursor blinks forever; its messages are unexported.
		if strings.HasPrefix(fmt.Sprintf("%T", msg), "cursor.") || (isTimer != nil && isTimer(msg)) {
			continue
		}
		start(update(msg))
	}
	return quit
}
