/** ViewChanges: what a reader learns of the view's writes, or that it must read everything. */
import { describe, expect, it } from 'vitest'
import { ViewChanges } from '../../core/network/view-changes.ts'

describe('ViewChanges', () => {
  it('knows nothing at first, then hands over the keys of contiguous apply calls', () => {
    const c = new ViewChanges()
    c.wrote(1, 5, ['member/a', 'meta'])
    expect(c.take(0, 5)).toBeNull()
    c.wrote(5, 9, ['cin/b/x'])
    c.wrote(9, 12, ['cout/c/y'])
    // Only what the snapshot can see: the call that ends after its version waits.
    expect(c.take(0, 9)).toEqual(new Set(['cin/b/x']))
    expect(c.take(0, 12)).toEqual(new Set(['cout/c/y']))
    expect(c.take(0, 12)).toEqual(new Set())
  })

  it("after a reorder, the undone calls' keys count as changed with the new ones", () => {
    const c = new ViewChanges()
    c.take(0, 4)
    c.wrote(4, 6, ['member/a'])
    c.wrote(6, 8, ['member/b'])
    expect(c.take(0, 8)).toEqual(new Set(['member/a', 'member/b']))
    c.truncated(6, 1)
    c.wrote(6, 7, ['member/c'])
    c.wrote(7, 9, ['member/b'])
    // A snapshot from before the truncation learns nothing (and nothing is lost).
    expect(c.take(0, 8)).toEqual(new Set())
    expect(c.take(1, 9)).toEqual(new Set(['member/b', 'member/c']))
  })

  it('says "read everything" when it cannot know', () => {
    const c = new ViewChanges()
    c.take(0, 4)
    c.wrote(4, 6, ['member/a'])
    expect(c.take(0, 6)).toEqual(new Set(['member/a']))
    // A fast-forward: the view is at 20 and nobody here wrote 6..20.
    expect(c.take(0, 20)).toBeNull()
    // A truncation further back than the calls handed over since.
    c.wrote(20, 22, ['member/b'])
    c.take(0, 22)
    c.truncated(10, 1)
    expect(c.take(1, 10)).toBeNull()
    // The view moved to another core.
    c.wrote(10, 12, ['member/c'])
    c.moved(2)
    c.wrote(0, 3, ['member/d'])
    expect(c.take(2, 3)).toBeNull()
  })

  it('an older snapshot than the last one learns nothing new and loses nothing', () => {
    const c = new ViewChanges()
    c.take(0, 5)
    c.wrote(5, 8, ['member/a'])
    expect(c.take(0, 8)).toEqual(new Set(['member/a']))
    c.wrote(8, 10, ['member/b'])
    expect(c.take(0, 6)).toEqual(new Set())
    expect(c.take(0, 10)).toEqual(new Set(['member/b']))
  })
})
