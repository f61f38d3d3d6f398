import path from 'node:path';
import { createHash } from 'node:crypto';
import { ConfigReader } from '@backstage/config';
import { generatedLocationRef } from './demoPublishing';

describe('generatedLocationRef', () => {
  it('names the Location the catalog makes of the demo-generated glob', () => {
    const target = '../../demo-generated/*/catalog-info.yaml';
    const config = new ConfigReader({
      catalog: {
        locations: [
          { type: 'file', target: '../../examples/org.yaml' },
          { type: 'file', target },
        ],
      },
    });
    // As the catalog names config locations: sha1 of "type:absolute target".
    const hash = createHash('sha1')
      .update(`file:${path.resolve(target)}`)
      .digest('hex');
    expect(generatedLocationRef(config)).toBe(
      `location:default/generated-${hash}`,
    );
  });

  it('says so when the demo catalog does not read demo-generated', () => {
    const config = new ConfigReader({
      catalog: {
        locations: [{ type: 'file', target: '../../examples/org.yaml' }],
      },
    });
    expect(() => generatedLocationRef(config)).toThrow(
      /no demo-generated file location/,
    );
  });
});
