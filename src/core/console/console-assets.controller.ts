import { Controller, Get, Param, Req, Res, type Type } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { ConsoleAssets } from './console-assets';
import { STRINGS } from './strings.en';

/** The console's script and style: public (the sign-in page needs them), immutable under hashed names. */
export function consoleAssetsController(base: string): Type {
  @Controller(base)
  class ConsoleAssetsController {
    constructor(private readonly assets: ConsoleAssets) {}

    @Get('assets/:name')
    asset(@Param('name') name: string, @Req() req: Request, @Res() res: Response): void {
      const asset = this.assets.get(name);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (!asset) return void res.status(404).type('text/plain').send(STRINGS.errors.notFound);
      res.setHeader('ETag', asset.etag);
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      if (req.headers['if-none-match'] === asset.etag) return void res.status(304).end();
      res.status(200).type(asset.type).send(asset.body);
    }
  }
  return ConsoleAssetsController;
}
