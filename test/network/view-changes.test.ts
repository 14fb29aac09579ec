/** ViewChanges: what a reader learns of the view's writes, or that it must read everything. */
import { describe, expect, it } from 'vitest'
import { ViewChanges } from '../../core/network/view-changes.ts'

const CORE = 'view:0'

describe('ViewChanges', () => {
  it('knows nothing at first, then hands over the keys of contiguous apply calls', () => {
    const c = new ViewChanges()
    c.wrote(1, 5, ['member/a', 'meta'])
    expect(c.take(0, 5, CORE)).toBeNull()
    c.wrote(5, 9, ['cin/b/x'])
    c.wrote(9, 12, ['cout/c/y'])
    // Only what the snapshot can see: the call that ends after its version waits.
    expect(c.take(0, 9, CORE)).toEqual(new Set(['cin/b/x']))
    expect(c.take(0, 12, CORE)).toEqual(new Set(['cout/c/y']))
    expect(c.take(0, 12, CORE)).toEqual(new Set())
  })

  it("after a reorder, the undone calls' keys count as changed with the new ones", () => {
    const c = new ViewChanges()
    c.take(0, 4, CORE)
    c.wrote(4, 6, ['member/a'])
    c.wrote(6, 8, ['member/b'])
    expect(c.take(0, 8, CORE)).toEqual(new Set(['member/a', 'member/b']))
    c.truncated(6, 1)
    c.wrote(6, 7, ['member/c'])
    c.wrote(7, 9, ['member/b'])
    // A snapshot from before the truncation learns nothing (and nothing is lost).
    expect(c.take(0, 8, CORE)).toEqual(new Set())
    expect(c.take(1, 9, CORE)).toEqual(new Set(['member/b', 'member/c']))
  })

  it('says "read everything" when it cannot know', () => {
    const c = new ViewChanges()
    c.take(0, 4, CORE)
    c.wrote(4, 6, ['member/a'])
    expect(c.take(0, 6, CORE)).toEqual(new Set(['member/a']))
    // A fast-forward: the view is at 20 and nobody here wrote 6..20.
    expect(c.take(0, 20, CORE)).toBeNull()
    // A truncation further back than the calls handed over since.
    c.wrote(20, 22, ['member/b'])
    c.take(0, 22, CORE)
    c.truncated(10, 1)
    expect(c.take(1, 10, CORE)).toBeNull()
    // The view moved to another core.
    c.wrote(10, 12, ['member/c'])
    c.moved(2)
    c.wrote(0, 3, ['member/d'])
    expect(c.take(2, 3, CORE)).toBeNull()
  })

  it('reads everything when the snapshot is of another core or fork, with no event told', () => {
    const c = new ViewChanges()
    c.take(0, 5, CORE)
    c.wrote(5, 8, ['member/a'])
    expect(c.take(0, 8, CORE)).toEqual(new Set(['member/a']))
    // A fast-forward can replace the view with a shorter one: not "an older snapshot".
    expect(c.take(0, 6, 'other:0')).toBeNull()
    c.wrote(6, 7, ['member/b'])
    expect(c.take(0, 7, 'other:0')).toEqual(new Set(['member/b']))
  })

  it('an older snapshot than the last one learns nothing new and loses nothing', () => {
    const c = new ViewChanges()
    c.take(0, 5, CORE)
    c.wrote(5, 8, ['member/a'])
    expect(c.take(0, 8, CORE)).toEqual(new Set(['member/a']))
    c.wrote(8, 10, ['member/b'])
    expect(c.take(0, 6, CORE)).toEqual(new Set())
    expect(c.take(0, 10, CORE)).toEqual(new Set(['member/b']))
  })
})
